/* The ASR hang of issue 16, reduced: what decoders built on several threads at once did to sphinxbase's one
   process-wide log FILE when each passed -logfn (ps_init -> err_set_logfile: fopen the new file, fclose the old one,
   no lock) while other threads' decoders logged through it (err_msg -> vfprintf).
   Build and run (Debian libsphinxbase3):
     gcc -O1 -pthread bench/asr/sphinx-log-race.c -o /tmp/sphinx-log-race -l:libsphinxbase.so.3
     timeout 60 /tmp/sphinx-log-race 10 2>/dev/null; echo $?      # 124: hung (every thread in futex_wait, process idle)
     timeout 60 /tmp/sphinx-log-race 10 fixed 2>/dev/null; echo $? # 0: the fix, err_set_logfp(NULL) instead (no close)
   Bounded: each run stops its threads after the given seconds (a hung run is ended by timeout). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int err_set_logfile(const char *path);
void err_set_logfp(FILE *fp);
void err_msg(int level, const char *path, long line, const char *fmt, ...);

static volatile int stop;
static int fixed;

static void *swapper(void *unused)
{
    (void)unused;
    while (!stop) {
        if (fixed) err_set_logfp(NULL); else err_set_logfile("/dev/null");
    }
    return NULL;
}

static void *logger(void *unused)
{
    (void)unused;
    while (!stop) err_msg(1 /* ERR_INFO */, "decoder.c", 1, "decoding %d\n", 42);
    return NULL;
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 10;
    fixed = argc > 2 && strcmp(argv[2], "fixed") == 0;
    pthread_t threads[4];
    pthread_create(&threads[0], NULL, swapper, NULL);
    pthread_create(&threads[1], NULL, swapper, NULL);
    pthread_create(&threads[2], NULL, logger, NULL);
    pthread_create(&threads[3], NULL, logger, NULL);
    struct timespec wait = { seconds, 0 };
    nanosleep(&wait, NULL);
    stop = 1;
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    puts("survived");
    return 0;
}
