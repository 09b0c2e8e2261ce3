// Test-only name resolution: the SDK downloads files only from *.vonage.com / *.nexmo.com, so the test points it at
// http://api.nexmo.com:<port> and this preload resolves those names to the loopback host. The SDK itself is untouched.
const dns = require('node:dns');
const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (/(^|\.)(nexmo|vonage)\.com$/i.test(hostname)) {
    if (options && options.all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(callback, null, '127.0.0.1', 4);
  }
  return original.call(this, hostname, options, callback);
};
