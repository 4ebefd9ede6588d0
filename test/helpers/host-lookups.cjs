// Preloaded (`node --require`) into every Node process of a command under test: notes each host name the process
// looks up (every TCP connection to a named host starts with one) in the file NO_NETWORK_LOG names, one line each:
// the process and what it runs, then the host. The lookup itself goes on.
const dns = require('node:dns');
const fs = require('node:fs');

const log = process.env.NO_NETWORK_LOG;
const note = (host) => {
  if (log) fs.appendFileSync(log, `${process.pid} ${process.argv.slice(1, 3).join(' ')} → ${host}\n`);
};
const lookup = dns.lookup;
dns.lookup = function lookupNoted(host, ...rest) {
  note(host);
  return lookup.call(this, host, ...rest);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function lookupNoted(host, ...rest) {
  note(host);
  return promisesLookup.call(this, host, ...rest);
};
