// Independent signer for tests: ethers' personal-sign (EIP-191) over 32-byte digests.
// Usage: node personal_sign.js <private key hex> <digest hex> [<digest hex> ...]
// Prints one 65-byte signature (hex, v = 27/28) per digest, one per line.
const { Wallet, getBytes } = require("ethers");

const [key, ...digests] = process.argv.slice(2);
const wallet = new Wallet(key);
(async () => {
  for (const d of digests) {
    console.log((await wallet.signMessage(getBytes(d))).slice(2));
  }
})();
