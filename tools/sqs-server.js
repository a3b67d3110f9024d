#!/usr/bin/env node
// Local SQS emulator for EEUM development and tests.
//
// Wraps the pinned npm package `local-aws-sqs` (see tools/package.json), which ships no CLI.
// It speaks the SQS JSON protocol (POST / with X-Amz-Target: AmazonSQS.<Action>) and keeps
// every queue in memory, so queues must be (re)created after each start (tools/sqs-init.js).
//
// Usage: node tools/sqs-server.js [--port N] [--host ADDR] [--public-host NAME]
//   --port / SQS_PORT              TCP port to listen on (default 9324)
//   --host / SQS_BIND_HOST         address to bind (default 127.0.0.1; 0.0.0.0 in a container)
//   --public-host / SQS_PUBLIC_HOST host name used inside the queue URLs the emulator returns
//                                  (default: the bind host, or "localhost" when binding 0.0.0.0)
//   --init-queues / SQS_INIT_QUEUES=1 create the EEUM queues (see sqs-init.js) once listening;
//                                  used by the container image, where nothing else creates them
//
// The server is built from the package's createRequestHandler() rather than createSqsServer()
// so that listen errors (EADDRINUSE) are reported clearly and the bind address can differ from
// the host name advertised in queue URLs (needed inside a container network). The options are
// the same ones createSqsServer() takes.
"use strict";

const http = require("node:http");
const { createRequestHandler } = require("local-aws-sqs");

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      if (/^\d+$/.test(a) && out.port === undefined) {
        out.port = a;
        continue;
      }
      throw new Error(`unknown argument: ${a}`);
    }
    const key = m[1];
    let val = m[2];
    if (key === "help") {
      out.help = true;
      continue;
    }
    if (key === "init-queues") {
      out.initQueues = true;
      continue;
    }
    if (val === undefined) {
      val = argv[++i];
      if (val === undefined) throw new Error(`missing value for --${key}`);
    }
    if (key === "port") out.port = val;
    else if (key === "host") out.host = val;
    else if (key === "public-host") out.publicHost = val;
    else throw new Error(`unknown option: --${key}`);
  }
  return out;
}

function log(msg) {
  process.stdout.write(`${new Date().toISOString()} sqs-server ${msg}\n`);
}

function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`sqs-server: ${e.message}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(
      "usage: sqs-server.js [--port N] [--host ADDR] [--public-host NAME] [--init-queues]\n" +
        "env: SQS_PORT, SQS_BIND_HOST, SQS_PUBLIC_HOST, SQS_INIT_QUEUES, SQS_QUEUE_NAME, SQS_DLQ_NAME,\n" +
        "     SQS_REGION, SQS_ACCOUNT_ID\n",
    );
    return;
  }

  const port = Number(args.port ?? process.env.SQS_PORT ?? 9324);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`sqs-server: invalid port: ${args.port ?? process.env.SQS_PORT}\n`);
    process.exit(2);
  }
  const bindHost = args.host ?? process.env.SQS_BIND_HOST ?? "127.0.0.1";
  const publicHost =
    args.publicHost ??
    process.env.SQS_PUBLIC_HOST ??
    (bindHost === "0.0.0.0" || bindHost === "::" ? "localhost" : bindHost);

  const initQueues = args.initQueues || process.env.SQS_INIT_QUEUES === "1" || process.env.SQS_INIT_QUEUES === "true";

  const { service, requestHandler } = createRequestHandler({
    port,
    hostname: publicHost,
    region: process.env.SQS_REGION || "us-east-1",
    accountId: process.env.SQS_ACCOUNT_ID || "123456789012",
    emulateQueueCreationLifecycle: false,
  });

  const server = http.createServer(requestHandler);
  // Long polls hold connections for up to 20 s; never let them delay a shutdown.
  server.keepAliveTimeout = 5000;

  server.on("error", (err) => {
    if (err.code === "EADDRINUSE") {
      process.stderr.write(`sqs-server: port ${port} on ${bindHost} is already in use\n`);
    } else {
      process.stderr.write(`sqs-server: ${err.stack || err}\n`);
    }
    process.exit(1);
  });

  server.listen(port, bindHost, () => {
    const addr = server.address();
    if (addr && typeof addr === "object") service.PORT = addr.port;
    log(
      `listening on http://${bindHost}:${service.PORT} (queue URLs use http://${publicHost}:${service.PORT}/) pid=${process.pid}`,
    );
    if (initQueues) {
      const { initQueues: init, describeError } = require("./sqs-init.js");
      const local = bindHost === "0.0.0.0" || bindHost === "::" ? "127.0.0.1" : bindHost;
      init({
        endpoint: `http://${local.includes(":") ? `[${local}]` : local}:${service.PORT}`,
        queueName: process.env.SQS_QUEUE_NAME || "eeum-diary.fifo",
        dlqName: process.env.SQS_DLQ_NAME || "eeum-diary-dlq.fifo",
      }).then(
        (r) => log(`queues ready: ${r.queueUrl} (dead letters -> ${r.dlqArn})`),
        (e) => {
          process.stderr.write(`sqs-server: creating queues failed: ${describeError(e)}\n`);
          process.exit(1);
        },
      );
    }
  });

  let stopping = false;
  const stop = (sig) => {
    if (stopping) return;
    stopping = true;
    log(`received ${sig}, shutting down`);
    server.close(() => {
      log("stopped");
      process.exit(0);
    });
    if (typeof server.closeAllConnections === "function") server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main();
