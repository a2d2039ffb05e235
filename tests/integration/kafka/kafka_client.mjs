// An independent Kafka client for the Kafka integration tests and benchmark: npm kafkajs (a pure
// JavaScript implementation of the protocol, sharing no code with librdkafka or the engine).
//
//   node kafka_client.mjs produce BROKERS TOPIC FIRST COUNT [--key] [--header]
//       Produces messages FIRST..FIRST+COUNT-1, value {"n":<i>,"pad":"..."} (100 bytes), key "k<i>"
//       when --key, a header trace=t<i> when --header; prints "produced COUNT".
//   node kafka_client.mjs consume BROKERS TOPIC COUNT TIMEOUT_MS
//       Reads TOPIC from the beginning (a fresh group) until COUNT messages arrived (and 0.5 s
//       more, to catch extra ones) or TIMEOUT_MS passed; prints one JSON line per message:
//       {"p":partition,"o":offset,"k":key|null,"v":value,"h":{name:value}}.
//
// Exits 0 on success, 1 with the error on standard error.
import kafkajs from 'kafkajs';

const {Kafka, logLevel, CompressionTypes} = kafkajs;

function payload(i) {
  const head = `{"n":${i},"pad":"`;
  const tail = '"}';
  return head + 'x'.repeat(Math.max(0, 100 - head.length - tail.length)) + tail;
}

async function produce(kafka, topic, first, count, withKey, withHeader) {
  const producer = kafka.producer({allowAutoTopicCreation: false});
  await producer.connect();
  const chunk = 500;
  for (let start = first; start < first + count; start += chunk) {
    const messages = [];
    for (let i = start; i < Math.min(first + count, start + chunk); ++i) {
      const m = {value: payload(i)};
      if (withKey) m.key = `k${i}`;
      if (withHeader) m.headers = {trace: `t${i}`};
      messages.push(m);
    }
    await producer.send({topic, messages, acks: -1, compression: CompressionTypes.None});
  }
  await producer.disconnect();
  console.log(`produced ${count}`);
}

async function consume(kafka, topic, count, timeoutMs) {
  const group = `check-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({groupId: group, sessionTimeout: 10000, heartbeatInterval: 500});
  await consumer.connect();
  await consumer.subscribe({topic, fromBeginning: true});
  let seen = 0;
  let last = Date.now();
  const out = [];
  await consumer.run({
    eachMessage: async ({partition, message}) => {
      const h = {};
      for (const [name, value] of Object.entries(message.headers || {})) {
        h[name] = value === null || value === undefined ? null : value.toString();
      }
      out.push(JSON.stringify({
        p: partition,
        o: Number(message.offset),
        k: message.key === null ? null : message.key.toString(),
        v: message.value === null ? null : message.value.toString(),
        h,
      }));
      ++seen;
      last = Date.now();
    },
  });
  // Until COUNT arrived (then a short grace to see extra messages) or the deadline.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (seen < count || Date.now() - last < 500)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await consumer.disconnect();
  // Exit only once everything reached the pipe (process.exit would cut a large write short).
  await new Promise((resolve) => process.stdout.write(out.join('\n') + (out.length ? '\n' : ''),
                                                      resolve));
}

async function main() {
  const [cmd, brokers, topic, ...rest] = process.argv.slice(2);
  const kafka = new Kafka({
    clientId: 'kafkajs-check',
    brokers: brokers.split(','),
    logLevel: process.env.KAFKAJS_LOG ? logLevel.DEBUG : logLevel.NOTHING,
    retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000},
  });
  if (cmd === 'produce') {
    await produce(kafka, topic, Number(rest[0]), Number(rest[1]), rest.includes('--key'),
                  rest.includes('--header'));
  } else if (cmd === 'consume') {
    await consume(kafka, topic, Number(rest[0]), Number(rest[1]));
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`kafka_client: ${e.stack || e}`);
  process.exit(1);
});
