#!/usr/bin/env node
// Creates the EEUM queues on an SQS endpoint (the local emulator, or anything speaking the SQS
// JSON protocol without signatures) and prints the main queue URL on stdout.
//
// Idempotent: CreateQueue with identical attributes returns the existing queue.
//
// Usage: node tools/sqs-init.js [--endpoint URL] [--queue NAME] [--dlq NAME]
//        or require("./sqs-init.js").initQueues({ endpoint, queueName, dlqName })
//   --endpoint / SQS_ENDPOINT  default http://127.0.0.1:9324
//   --queue    / SQS_QUEUE_NAME default eeum-diary.fifo
//   --dlq      / SQS_DLQ_NAME   default eeum-diary-dlq.fifo
//   --wait SECONDS             retry connection errors for up to SECONDS (default 10)
// Everything except the URL goes to stderr.
"use strict";

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unknown argument: ${argv[i]}`);
    let val = m[2];
    if (val === undefined) {
      val = argv[++i];
      if (val === undefined) throw new Error(`missing value for --${m[1]}`);
    }
    if (!["endpoint", "queue", "dlq", "wait"].includes(m[1])) {
      throw new Error(`unknown option: --${m[1]}`);
    }
    out[m[1]] = val;
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class SqsError extends Error {
  constructor(status, type, message) {
    super(`${type || "HTTP " + status}: ${message || ""}`);
    this.status = status;
    // "com.amazonaws.sqs#QueueDoesNotExist" -> "QueueDoesNotExist"
    this.code = type ? String(type).split("#").pop() : undefined;
  }
}

async function call(endpoint, action, body) {
  const res = await fetch(endpoint.replace(/\/+$/, "") + "/", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": `AmazonSQS.${action}`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  // The emulator answers some calls with an EMPTY body rather than "{}".
  let data = {};
  if (text.trim() !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      throw new SqsError(res.status, "InvalidResponse", `${action}: not JSON: ${text.slice(0, 200)}`);
    }
  }
  if (!res.ok) {
    throw new SqsError(res.status, data.__type || data.code, data.message || data.Message || text);
  }
  return data;
}

async function callWithRetry(endpoint, action, body, deadline) {
  for (;;) {
    try {
      return await call(endpoint, action, body);
    } catch (e) {
      if (e instanceof SqsError || Date.now() >= deadline) throw e;
      await sleep(150);
    }
  }
}

// Creates the dead-letter queue and the main queue; resolves to { queueUrl, dlqUrl, dlqArn }.
async function initQueues({ endpoint, queueName, dlqName, waitSeconds = 10 }) {
  const deadline = Date.now() + waitSeconds * 1000;

  const dlq = await callWithRetry(
    endpoint,
    "CreateQueue",
    { QueueName: dlqName, Attributes: { FifoQueue: "true" } },
    deadline,
  );
  if (!dlq.QueueUrl) throw new Error(`CreateQueue ${dlqName}: no QueueUrl in response`);

  const attrs = await call(endpoint, "GetQueueAttributes", {
    QueueUrl: dlq.QueueUrl,
    AttributeNames: ["QueueArn"],
  });
  const dlqArn = attrs.Attributes && attrs.Attributes.QueueArn;
  if (!dlqArn) throw new Error(`GetQueueAttributes ${dlqName}: no QueueArn`);

  const main = await call(endpoint, "CreateQueue", {
    QueueName: queueName,
    Attributes: {
      FifoQueue: "true",
      ContentBasedDeduplication: "false",
      VisibilityTimeout: "60",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: "5" }),
    },
  });
  if (!main.QueueUrl) throw new Error(`CreateQueue ${queueName}: no QueueUrl in response`);

  return { queueUrl: main.QueueUrl, dlqUrl: dlq.QueueUrl, dlqArn };
}

async function cli() {
  const args = parseArgs(process.argv.slice(2));
  const r = await initQueues({
    endpoint: args.endpoint || process.env.SQS_ENDPOINT || "http://127.0.0.1:9324",
    queueName: args.queue || process.env.SQS_QUEUE_NAME || "eeum-diary.fifo",
    dlqName: args.dlq || process.env.SQS_DLQ_NAME || "eeum-diary-dlq.fifo",
    waitSeconds: Number(args.wait ?? 10),
  });
  process.stderr.write(`sqs-init: queue ${r.queueUrl} (dead letters -> ${r.dlqArn})\n`);
  process.stdout.write(r.queueUrl + "\n");
}

function describeError(e) {
  let msg = String((e && e.message) || e);
  if (e && e.cause) msg += ` (cause: ${e.cause.code || e.cause.message || e.cause})`;
  return msg;
}

module.exports = { initQueues, describeError };

if (require.main === module) {
  cli().catch((e) => {
    process.stderr.write(`sqs-init: ${describeError(e)}\n`);
    process.exit(1);
  });
}
