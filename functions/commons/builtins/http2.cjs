// `node:http2` as CommonJS sees it: the bundles import it through this file (an esbuild alias), so Node builds no
// ES module facade for it, whose exports' getters would load undici at cold start.
module.exports = process.getBuiltinModule('node:http2');
