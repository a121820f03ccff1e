// Preloaded (node --require) into a command a test runs as a child process: every outgoing
// connection to anything but loopback is refused before it is made and written to the file named by
// ECOM_TEST_FOREIGN_LOG, so the test can assert that the command reached nothing outside 127.0.0.1.
"use strict";
const diagnosticsChannel = require("node:diagnostics_channel");
const fs = require("node:fs");

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1", "localhost"]);
const log = process.env.ECOM_TEST_FOREIGN_LOG;

/** @param {string} destination */
function refuse(destination) {
  if (log) fs.appendFileSync(log, `${destination}\n`);
}

diagnosticsChannel.subscribe("net.client.socket", (message) => {
  const socket = /** @type {{ socket: import("node:net").Socket }} */ (message).socket;
  socket.once("lookup", (_error, _address, _family, host) => {
    if (!LOOPBACK.has(host)) {
      refuse(host);
      socket.destroy(new Error(`test isolation: ${host} is not loopback`));
    }
  });
  socket.once("connectionAttempt", (ip, port) => {
    if (!LOOPBACK.has(ip)) {
      refuse(`${ip}:${port}`);
      socket.destroy(new Error(`test isolation: ${ip} is not loopback`));
    }
  });
});
