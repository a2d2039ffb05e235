// A fast local OpenAI-compatible embeddings endpoint for bench/run_http_model_bench.py: Node's
// http module (keep-alive, one event loop), so that the benchmark measures the `http_model`
// processor rather than the server. POST /v1/embeddings {"input": [texts]} answers
// {"data": [{"object": "embedding", "index": i, "embedding": [DIM numbers]}], ...}; the numbers
// depend on the text's length only, so answers are deterministic and cheap to make.
// GET /stats -> {"requests": n, "rows": n}. Prints "PORT <n>" once listening on 127.0.0.1.
//
// Usage: node bench/embeddings_server.mjs [--dim 384] [--delay-ms 0]
import http from "node:http";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const dim = option("--dim", 384);
const delayMs = option("--delay-ms", 0);
let requests = 0;
let rows = 0;

// 64 precomputed embeddings as JSON text, picked by the text's length: the server's own work per
// row is a string concatenation, so it keeps up with the engine on a shared machine.
const table = Array.from({ length: 64 }, (_, i) => {
  const out = new Array(dim);
  let h = i + 1;
  for (let k = 0; k < dim; ++k) {
    h = (h * 31 + 7) % 1000003;
    out[k] = (h % 2000) / 1000 - 1;
  }
  return JSON.stringify(out);
});
const embedding = (text) => table[text.length % 64];

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ requests, rows }));
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (e) {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: `bad JSON: ${e.message}` } }));
      return;
    }
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    requests += 1;
    rows += inputs.length;
    const data = inputs.map(
      (text, index) => `{"object":"embedding","index":${index},"embedding":${embedding(String(text))}}`,
    );
    const answer =
      `{"object":"list","model":${JSON.stringify(body.model ?? "bench")},"data":[${data.join(",")}],` +
      `"usage":{"prompt_tokens":${inputs.length},"total_tokens":${inputs.length}}}`;
    const send = () => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(answer) });
      res.end(answer);
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
