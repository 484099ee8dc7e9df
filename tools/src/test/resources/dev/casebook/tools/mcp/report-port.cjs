// Preloaded (node --require) into an MCP test server started with PORT=0: says the port the server really got once
// it listens. The servers log the PORT they were given, so without this a test would have to pick a "free" port
// first, and another process could take it before the server binds it.
const http = require('node:http');
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
    this.once('listening', () => console.error(`casebook-test: listening on port ${this.address().port}`));
    return listen.apply(this, args);
};
