// Cornerstone's Emscripten codecs import Node's fs and path only when running under Node; in the browser they are
// never called, and this empty module stands in so the bundler does not have to externalize them.
export default {};
