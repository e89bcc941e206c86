// Independent reference computations for baton-gateway's unit tests, on ethers v6.
//   flatten <manifestIdHex> <seq> <hashHex> <profileName>...  → hex of go-livepeer's Flatten
//   recover <msgHex> <sigHex>        → address that made Sign(msg) = personal-sign(keccak(msg))
//   signresults <keyHex> <renditionHex>...  → personal-sign(keccak(keccak(r0) ‖ keccak(r1) ‖ …))
const { ethers } = require("ethers");

function flatten(manifestHex, seq, hashHex, names) {
  // Written from doc/wire.md 3, not from the C++ code.
  const ids = names.map((n) => ethers.keccak256(ethers.toUtf8Bytes(n)).slice(2, 10)).join("");
  return ethers.concat([
    manifestHex,
    ethers.zeroPadValue(ethers.toBeArray(BigInt(seq)), 32),
    hashHex,
    ethers.toUtf8Bytes(ids),
  ]);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "flatten") {
  console.log(flatten(args[0], args[1], args[2], args.slice(3)).slice(2));
} else if (cmd === "recover") {
  const digest = ethers.getBytes(ethers.keccak256(args[0]));
  console.log(ethers.verifyMessage(digest, args[1]));
} else if (cmd === "signresults") {
  const wallet = new ethers.Wallet(args[0]);
  const hashes = ethers.concat(args.slice(1).map((r) => ethers.keccak256(r)));
  const sig = wallet.signingKey.sign(ethers.hashMessage(ethers.getBytes(ethers.keccak256(hashes))));
  console.log(sig.serialized.slice(2) + " " + wallet.address);
} else {
  console.error("unknown command " + cmd);
  process.exit(2);
}
