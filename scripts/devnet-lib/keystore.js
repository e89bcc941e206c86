// Writes a geth keystore v3 file (with its "address" field) for a raw private key, using
// ethers: how the demo and tests give the node a devnet account.
// Usage: node keystore.js <private key hex> <password> <keystore dir>
const fs = require("fs");
const path = require("path");
const { Wallet, encryptKeystoreJson } = require("ethers");

const [key, password, dir] = process.argv.slice(2);
(async () => {
  const wallet = new Wallet(key);
  // A light scrypt cost: this key is a well-known dev key on a throwaway chain.
  const json = await encryptKeystoreJson(
    { address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: 1 << 12 } });
  const addr = wallet.address.slice(2).toLowerCase();
  const stamp = new Date().toISOString().replace(/:/g, "-").replace("Z", "000000Z");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `UTC--${stamp}--${addr}`);
  fs.writeFileSync(file, json, { mode: 0o600 });
  console.log(file);
})();
