// `npm run demo` starts the example Remix app (issue 4); until it exists, say so plainly.
console.error('The example app (examples/remix-app) is not part of this version yet; see README.md.');
process.exit(1);
