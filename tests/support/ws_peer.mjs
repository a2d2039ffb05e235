// A WebSocket server for tests of WebSocket clients (the `websocket` input and output), built on
// npm `ws` — an independent implementation.
//
//   node tests/support/ws_peer.mjs [port]      (port 0 or absent: any free port)
//
// Prints "PORT <n>" once listening on 127.0.0.1, "CONNECT <authorization header or ->" for each
// client, and "MSG <text>" for every message received (binary frames as "BIN <text>"), with
// backslashes and newlines escaped as \\ and \n so that each message is one line.
// Reads commands on standard input, one per line:
//   SEND <text>   sends <text> to every connected client, then prints "SENT <text>"
//   CLOSE         closes every client connection (code 1001), then prints "CLOSED"
// Ends when standard input closes.
import { WebSocketServer } from 'ws';
import readline from 'node:readline';

const port = Number(process.argv[2] || 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port });
wss.on('listening', () => console.log(`PORT ${wss.address().port}`));
wss.on('connection', (ws, req) => {
  console.log(`CONNECT ${req.headers['authorization'] || '-'}`);
  ws.on('message', (data, isBinary) => {
    const text = data.toString('utf8').replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    console.log(`${isBinary ? 'BIN' : 'MSG'} ${text}`);
  });
});

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.startsWith('SEND ')) {
    const text = line.slice(5);
    for (const c of wss.clients) c.send(text);
    console.log(`SENT ${text}`);
  } else if (line === 'CLOSE') {
    for (const c of wss.clients) c.close(1001, 'going away');
    console.log('CLOSED');
  }
});
rl.on('close', () => {
  for (const c of wss.clients) c.terminate();
  wss.close(() => process.exit(0));
});
