// A Vonage voice webhook app written in Node with no dependencies, as a team using another language would have it.
// Prints "listening <port>" once bound to an ephemeral loopback port; exits when stdin closes.
import http from 'node:http';

const events = [];

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const url = new URL(req.url, 'http://localhost');
    const base = `http://${req.headers.host}`;
    const json = (value) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/answer') {
      const from = url.searchParams.get('from');
      return json([
        { action: 'talk', text: `Hello ${from}. Press 1 for a margherita, 2 for a pepperoni.` },
        { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1 }, eventUrl: [`${base}/order`] },
      ]);
    }
    if (url.pathname === '/order') {
      const digits = JSON.parse(body).dtmf.digits;
      const pizza = digits === '1' ? 'margherita' : digits === '2' ? 'pepperoni' : null;
      return json(pizza
        ? [{ action: 'talk', text: `One ${pizza} is on its way.` }]
        : [{ action: 'talk', text: 'Sorry, I did not get that.' }]);
    }
    if (url.pathname === '/event') {
      events.push(JSON.parse(body || '{}').status);
      return json({});
    }
    if (url.pathname === '/events') return json(events);
    res.writeHead(404);
    res.end();
  });
});

server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
