// Make every *.localhost name resolve to 127.0.0.1, as browsers already do (RFC 6761), so the SDK's
// https://<organization>.<domain>/api URLs with domain "localhost:PORT" reach the local sandbox.
// Loaded with `node --require`; the SDK itself is untouched.
'use strict'
const dns = require('node:dns')
const systemLookup = dns.lookup

dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  } else if (typeof options === 'number') {
    options = { family: options }
  }
  if (hostname === 'localhost' || String(hostname).endsWith('.localhost')) {
    const answer = { address: '127.0.0.1', family: 4 }
    if (options && options.all) process.nextTick(callback, null, [answer])
    else process.nextTick(callback, null, answer.address, answer.family)
    return {}
  }
  return systemLookup.call(this, hostname, options, callback)
}
