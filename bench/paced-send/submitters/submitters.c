// Who runs an expired io_uring timeout's linked send, and how late (issue 19, bench/paced-send/README.md "Submitters").
// The PacedSender's scheme in C, without .NET: every 20 ms a producer thread (nice -10, like the host's media thread)
// queues N RTP packets, each an absolute CLOCK_MONOTONIC timeout (tick + LEAD ms) linked to a sendmsg; what varies is the
// thread that submits them and so runs their task work:
//   MODE 0  a submitter thread at nice -10, woken by an eventfd read kept in the ring (PacerPriority=High: before pacing-v2)
//   MODE 1  the same thread under SCHED_FIFO 11 (PacerPriority=Realtime: pacing-v2's default)
//   MODE 2  IORING_SETUP_SQPOLL (sq_thread_idle 1 ms), the ring made by a nice -10 thread: the kernel's SQ thread submits
//   MODE 3  SQPOLL with the ring made by a SCHED_FIFO 11 thread (the SQ thread inherits it), the producer back to normal
// SLACK=ns sets PR_SET_TIMERSLACK on the submitter. Prints the process CPU (all threads, the SQ thread included).
// Usage: submitters MODE STREAMS SECONDS LEAD_MS SINK_PORT  (run.sh captures with tcpdump and measures with rtp_stats.py)
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
static int efd; static uint64_t ebuf; static int armed;
#define N_MAX 2000
static int mode, n, secs, lead_ms, skip;
static int ring; static struct io_uring_params p;
static unsigned *sqhead,*sqtail,*sqarr,*sqflags,sqmask,*cqhead,*cqtail,cqmask; static struct io_uring_sqe*sqes; static struct io_uring_cqe*cqes;
static int socks[N_MAX]; static struct sockaddr_in sink;
struct slot { struct __kernel_timespec ts; struct iovec iov; struct msghdr mh; unsigned char data[172]; };
static struct slot *slots; static int nslots;
static long now_ns(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000L+t.tv_nsec;}
static int enter(unsigned sub,unsigned minc,unsigned fl){return syscall(426,ring,sub,minc,fl,0,0);}
static unsigned tail; static pthread_mutex_t mu=PTHREAD_MUTEX_INITIALIZER; static unsigned unsub;
static struct io_uring_sqe* sqe(){unsigned i=tail&sqmask; struct io_uring_sqe*s=&sqes[i]; memset(s,0,64); sqarr[i]=i; tail++; unsub++; return s;}

static void setprio(int fifo){ if(fifo){struct sched_param sp={.sched_priority=10}; if(sched_setscheduler(0,SCHED_FIFO,&sp))perror("fifo");} else setpriority(PRIO_PROCESS,0,-10);}
static void* reaper(void*a){ setprio(mode==1); if(getenv("SLACK")) prctl(PR_SET_TIMERSLACK, atol(getenv("SLACK")),0,0,0);
  for(;;){ pthread_mutex_lock(&mu);
    if(mode<2 && !armed){struct io_uring_sqe*r=sqe(); r->opcode=IORING_OP_READ; r->fd=efd; r->addr=(unsigned long)&ebuf; r->len=8; r->user_data=7; atomic_store_explicit((_Atomic unsigned*)sqtail,tail,memory_order_release); armed=1;}
    if(mode<2 && unsub){int r=enter(unsub,0,0); if(r>0)unsub-=r;} pthread_mutex_unlock(&mu);
    enter(0,1,IORING_ENTER_GETEVENTS);
    pthread_mutex_lock(&mu); unsigned h=*cqhead,t=atomic_load((_Atomic unsigned*)cqtail); for(;h!=t;h++){ if(cqes[h&cqmask].user_data==7) armed=0;} *cqhead=t; pthread_mutex_unlock(&mu); }
  return 0;}
int main(int c,char**v){ if(c<6){fprintf(stderr,"usage: submitters MODE STREAMS SECONDS LEAD_MS SINK_PORT\n");return 2;} mode=atoi(v[1]); n=atoi(v[2]); if(n<1||n>N_MAX)return 2; secs=atoi(v[3]); lead_ms=atoi(v[4]); int port=atoi(v[5]); skip=c>6?atoi(v[6]):0;
  if(mode==3) setprio(1); else setprio(0);
  p.flags = (mode>=2? IORING_SETUP_SQPOLL:0); p.sq_thread_idle=1;
  ring=syscall(425,8192,&p); if(ring<0){perror("setup");return 1;}
  if(mode==3){struct sched_param sp={0}; sched_setscheduler(0,SCHED_OTHER,&sp);}
  unsigned char*sq=mmap(0,p.sq_off.array+p.sq_entries*4,3,MAP_SHARED|MAP_POPULATE,ring,0);
  unsigned char*cq=mmap(0,p.cq_off.cqes+p.cq_entries*16,3,MAP_SHARED|MAP_POPULATE,ring,IORING_OFF_CQ_RING);
  sqes=mmap(0,p.sq_entries*64,3,MAP_SHARED|MAP_POPULATE,ring,IORING_OFF_SQES);
  sqhead=(void*)(sq+p.sq_off.head); sqtail=(void*)(sq+p.sq_off.tail); sqarr=(void*)(sq+p.sq_off.array); sqmask=*(unsigned*)(sq+p.sq_off.ring_mask); sqflags=(void*)(sq+p.sq_off.flags);
  cqes=(void*)(cq+p.cq_off.cqes); cqhead=(void*)(cq+p.cq_off.head); cqtail=(void*)(cq+p.cq_off.tail); cqmask=*(unsigned*)(cq+p.cq_off.ring_mask);
  tail=*sqtail; efd=eventfd(0,EFD_CLOEXEC);
  memset(&sink,0,sizeof sink); sink.sin_family=AF_INET; sink.sin_port=htons(port); sink.sin_addr.s_addr=htonl(0x7f000001);
  for(int i=0;i<n;i++){socks[i]=socket(AF_INET,SOCK_DGRAM,0); struct sockaddr_in a=sink; a.sin_port=htons(port+1+i); bind(socks[i],(void*)&a,sizeof a);}
  nslots=n*(lead_ms/20+3); slots=calloc(nslots,sizeof(struct slot)); int si=0;
  pthread_t th; pthread_create(&th,0,reaper,0);
  setprio(0);
  long start=now_ns(); long next=start+20000000L; unsigned seq=0;
  struct rusage ru0; getrusage(RUSAGE_SELF,&ru0);
  while(now_ns()-start < (long)secs*1000000000L){
    struct timespec t={next/1000000000L,next%1000000000L}; clock_nanosleep(CLOCK_MONOTONIC,TIMER_ABSTIME,&t,0);
    long dl=next+lead_ms*1000000L; seq++;
    pthread_mutex_lock(&mu);
    for(int i=0;i<n;i++){ struct slot*s=&slots[si]; si=(si+1)%nslots;
      s->ts.tv_sec=dl/1000000000L; s->ts.tv_nsec=dl%1000000000L;
      unsigned char*d=s->data; d[0]=0x80; d[1]=0; d[2]=seq>>8; d[3]=seq; unsigned ts=seq*160; d[4]=ts>>24;d[5]=ts>>16;d[6]=ts>>8;d[7]=ts; d[8]=0;d[9]=0;d[10]=i>>8;d[11]=i;
      s->iov.iov_base=d; s->iov.iov_len=172; memset(&s->mh,0,sizeof s->mh); s->mh.msg_name=&sink; s->mh.msg_namelen=sizeof sink; s->mh.msg_iov=&s->iov; s->mh.msg_iovlen=1;
      struct io_uring_sqe*a=sqe(); a->opcode=IORING_OP_TIMEOUT; a->flags=IOSQE_IO_LINK|(skip?IOSQE_CQE_SKIP_SUCCESS:0); a->fd=-1; a->addr=(unsigned long)&s->ts; a->len=1; a->timeout_flags=IORING_TIMEOUT_ABS|IORING_TIMEOUT_ETIME_SUCCESS;
      struct io_uring_sqe*b=sqe(); b->opcode=IORING_OP_SENDMSG; b->fd=socks[i]; b->addr=(unsigned long)&s->mh; b->len=1; b->msg_flags=MSG_DONTWAIT|MSG_NOSIGNAL; b->user_data=1;
    }
    atomic_store_explicit((_Atomic unsigned*)sqtail,tail,memory_order_release);
    pthread_mutex_unlock(&mu);
    if(mode<2){ uint64_t one=1; write(efd,&one,8); } else { pthread_mutex_lock(&mu); unsub=0; pthread_mutex_unlock(&mu); if(atomic_load((_Atomic unsigned*)sqflags)&IORING_SQ_NEED_WAKEUP) enter(0,0,IORING_ENTER_SQ_WAKEUP); }
    next+=20000000L;
  }
  struct rusage ru1; getrusage(RUSAGE_SELF,&ru1);
  double cpu=(ru1.ru_utime.tv_sec-ru0.ru_utime.tv_sec)+(ru1.ru_stime.tv_sec-ru0.ru_stime.tv_sec)+((ru1.ru_utime.tv_usec-ru0.ru_utime.tv_usec)+(ru1.ru_stime.tv_usec-ru0.ru_stime.tv_usec))/1e6;
  usleep(lead_ms*1000+100000);
  fprintf(stderr,"mode=%d n=%d cpu_s=%.2f\n",mode,n,cpu); return 0; }
