// Generates cross-check vectors with ethers v6 (an independent implementation of RLP, the ABI,
// transactions and keystores) for Baton's src/eth tests. Inputs are random from a seed, so a
// failure can be replayed: node vectors.js <kind> <seed> <count>.
// Output: one JSON document on stdout.
'use strict';
const ethers = require('ethers');
const crypto = require('crypto');

const [kind, seedText, countText] = process.argv.slice(2);
let seed = Number(seedText || 1) >>> 0;
const count = Number(countText || 20);

// mulberry32: a tiny seeded PRNG, so vectors are reproducible.
function rand() {
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (n) => Math.floor(rand() * n);
const pick = (a) => a[randInt(a.length)];
function randBytes(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = randInt(256);
  return b;
}
const hex = (b) => ethers.hexlify(b);
function randBigInt(bits) {
  // Bias towards edges: 0, small, max.
  const r = rand();
  if (r < 0.1) return 0n;
  if (r < 0.2) return (1n << BigInt(bits)) - 1n;
  if (r < 0.4) return BigInt(randInt(1000)) & ((1n << BigInt(bits)) - 1n);
  return BigInt(hex(randBytes(bits / 8)));
}

// ---- RLP ----
function randRlp(depth) {
  if (depth < 3 && rand() < 0.3) {
    const n = randInt(5);
    const l = [];
    for (let i = 0; i < n; i++) l.push(randRlp(depth + 1));
    return l;
  }
  const sizes = [0, 1, 1, 2, 10, 55, 56, 57, 100, 300];
  const b = randBytes(pick(sizes));
  if (b.length === 1 && rand() < 0.5) b[0] = randInt(0x80);
  return hex(b);
}

// ---- ABI ----
function randType(depth) {
  const r = rand();
  if (depth < 2 && r < 0.15) {
    const n = 1 + randInt(3);
    const c = [];
    for (let i = 0; i < n; i++) c.push(randType(depth + 1));
    return '(' + c.join(',') + ')';
  }
  if (depth < 2 && r < 0.3) return randType(depth + 1) + (rand() < 0.5 ? '[]' : `[${1 + randInt(3)}]`);
  return pick(['uint256', 'uint8', 'uint64', 'int256', 'int8', 'int128', 'address', 'bool',
               'bytes32', 'bytes1', 'bytes7', 'bytes', 'string']);
}
function splitTuple(t) {
  const inner = t.slice(1, -1), parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '(') depth++;
    if (inner[i] === ')') depth--;
    if (inner[i] === ',' && depth === 0) { parts.push(inner.slice(start, i)); start = i + 1; }
  }
  parts.push(inner.slice(start));
  return parts;
}
// Returns [ethersValue, jsonValue].
function randValue(t) {
  const arr = t.match(/^(.*)\[(\d*)\]$/);
  if (arr) {
    const n = arr[2] === '' ? randInt(4) : Number(arr[2]);
    const e = [], j = [];
    for (let i = 0; i < n; i++) { const [a, b] = randValue(arr[1]); e.push(a); j.push(b); }
    return [e, j];
  }
  if (t.startsWith('(')) {
    const e = [], j = [];
    for (const c of splitTuple(t)) { const [a, b] = randValue(c); e.push(a); j.push(b); }
    return [e, j];
  }
  if (t.startsWith('uint')) { const v = randBigInt(Number(t.slice(4))); return [v, v.toString()]; }
  if (t.startsWith('int')) {
    const bits = BigInt(t.slice(3));
    const v = ethers.fromTwos(randBigInt(Number(bits)), bits);
    return [v, v.toString()];
  }
  if (t === 'address') { const a = hex(randBytes(20)); return [a, a]; }
  if (t === 'bool') { const b = rand() < 0.5; return [b, b]; }
  if (t === 'string') {
    const chars = ['a', 'Z', ' ', '€', 'ü', '日', '0', '\n'];
    let s = '';
    const n = pick([0, 1, 5, 31, 32, 33, 70]);
    for (let i = 0; i < n; i++) s += pick(chars);
    return [s, hex(ethers.toUtf8Bytes(s))];
  }
  if (t === 'bytes') { const b = hex(randBytes(pick([0, 1, 31, 32, 33, 64, 65, 100]))); return [b, b]; }
  if (t.startsWith('bytes')) { const b = hex(randBytes(Number(t.slice(5)))); return [b, b]; }
  throw new Error('type ' + t);
}
function abiVectors() {
  const coder = ethers.AbiCoder.defaultAbiCoder();
  const out = [];
  for (let i = 0; i < count; i++) {
    const types = [];
    const n = 1 + randInt(4);
    for (let k = 0; k < n; k++) types.push(randType(0));
    const ev = [], jv = [];
    for (const t of types) { const [a, b] = randValue(t); ev.push(a); jv.push(b); }
    const encoded = coder.encode(types, ev);
    const name = 'f' + randInt(1e6);
    const sig = `${name}(${types.join(',')})`;
    const iface = new ethers.Interface([`function ${sig}`]);
    out.push({ types, values: jv, encoded, signature: sig,
               selector: iface.getFunction(name).selector,
               calldata: iface.encodeFunctionData(name, ev) });
  }
  return out;
}
function eventVectors() {
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + randInt(5);
    const params = [], ev = [], jv = [];
    let indexed = 0;
    for (let k = 0; k < n; k++) {
      const t = randType(1);
      // ethers cannot encode indexed tuples or arrays (their topic is a hash of an encoding).
      const idx = indexed < 3 && rand() < 0.5 && !t.endsWith(']') && !t.startsWith('(');
      if (idx) indexed++;
      params.push({ type: t, indexed: idx, name: 'p' + k });
      const [a, b] = randValue(t);
      ev.push(a);
      jv.push(b);
    }
    const sig = `E${randInt(1e6)}(` + params.map((p) => `${p.type}${p.indexed ? ' indexed' : ''} ${p.name}`).join(', ') + ')';
    const iface = new ethers.Interface([`event ${sig}`]);
    const frag = iface.fragments[0];
    const log = iface.encodeEventLog(frag, ev);
    // What an indexed dynamic value becomes: the hash ethers put in the topic.
    let topicIndex = 1;
    const expected = params.map((p, k) => {
      if (!p.indexed) return jv[k];
      const topic = log.topics[topicIndex++];
      const dynamic = p.type === 'string' || p.type === 'bytes' || p.type.endsWith(']') || p.type.startsWith('(');
      return dynamic ? topic : jv[k];
    });
    out.push({ signature: sig, types: params.map((p) => p.type), topic0: frag.topicHash,
               topics: log.topics, data: log.data, expected });
  }
  return out;
}

// ---- transactions ----
function txVectors() {
  const out = [];
  for (let i = 0; i < count; i++) {
    const key = hex(randBytes(32));
    const wallet = new ethers.Wallet(key);
    const type = pick([0, 2]);
    const fields = {
      type, chainId: BigInt(pick([1, 31337, 42161, 1 + randInt(1e6)])),
      nonce: pick([0, 1, 127, 128, randInt(1e6)]),
      gasLimit: BigInt(21000 + randInt(1e6)),
      to: rand() < 0.15 ? null : hex(randBytes(20)),
      value: randBigInt(pick([8, 64, 128])),
      data: hex(randBytes(pick([0, 4, 36, 100]))),
    };
    if (type === 2) {
      fields.maxPriorityFeePerGas = randBigInt(64);
      fields.maxFeePerGas = fields.maxPriorityFeePerGas + randBigInt(64);
    } else {
      fields.gasPrice = randBigInt(64);
    }
    const tx = ethers.Transaction.from(fields);
    const unsignedSerialized = tx.unsignedSerialized;
    const signingHash = tx.unsignedHash;
    tx.signature = wallet.signingKey.sign(signingHash);
    const j = {};
    for (const [k, v] of Object.entries(fields)) j[k] = typeof v === 'bigint' ? v.toString() : v;
    out.push({ key, from: wallet.address, fields: j, unsignedSerialized, signingHash,
               raw: tx.serialized, hash: tx.hash });
  }
  return out;
}

// ---- keystores ----
function keystoreWrite() {
  // ethers writes a scrypt keystore with a low N (fast), and we build a pbkdf2 one by hand
  // (ethers only reads pbkdf2) and check ethers decrypts it too.
  const out = [];
  for (let i = 0; i < count; i++) {
    const key = hex(randBytes(32));
    const password = pick(['', 'pw', 'correct horse battery staple', 'ünïcödé']);
    const account = { address: new ethers.Wallet(key).address, privateKey: key };
    const json = ethers.encryptKeystoreJsonSync(account, password, { scrypt: { N: 1 << (4 + randInt(6)) } });
    out.push({ kdf: 'scrypt', key, address: account.address, password, json });
  }
  {
    const key = hex(randBytes(32)), password = 'pbkdf2 password';
    const salt = crypto.randomBytes(32), iv = crypto.randomBytes(16);
    const dk = crypto.pbkdf2Sync(Buffer.from(password), salt, 1000, 32, 'sha256');
    const cipher = crypto.createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
    const ct = Buffer.concat([cipher.update(ethers.getBytes(key)), cipher.final()]);
    const mac = ethers.keccak256(Buffer.concat([dk.subarray(16, 32), ct]));
    const address = new ethers.Wallet(key).address;
    const json = JSON.stringify({
      version: 3, id: crypto.randomUUID(), address: address.slice(2).toLowerCase(),
      crypto: { cipher: 'aes-128-ctr', cipherparams: { iv: iv.toString('hex') },
                ciphertext: ct.toString('hex'), kdf: 'pbkdf2',
                kdfparams: { c: 1000, dklen: 32, prf: 'hmac-sha256', salt: salt.toString('hex') },
                mac: mac.slice(2) } });
    const check = ethers.decryptKeystoreJsonSync(json, password);
    if (check.privateKey !== key) throw new Error('pbkdf2 vector does not decrypt in ethers');
    out.push({ kdf: 'pbkdf2', key, address, password, json });
  }
  return out;
}
function keystoreRead() {
  // argv: read <file> <password>: decrypts a keystore Baton wrote.
  const fs = require('fs');
  const [file, password] = process.argv.slice(3);
  const acct = ethers.decryptKeystoreJsonSync(fs.readFileSync(file, 'utf8'), password);
  return { address: acct.address, key: acct.privateKey };
}

// ---- contract bindings ----
function contractVectors() {
  // Call data for the node's transactions, and return data for its reads, encoded by ethers'
  // Interface from the human-readable ABI of doc/pm.md 4-5.
  const iface = new ethers.Interface([
    'function getContract(bytes32) view returns (address)',
    'function currentRound() view returns (uint256)',
    'function lastInitializedRound() view returns (uint256)',
    'function currentRoundInitialized() view returns (bool)',
    'function blockHashForRound(uint256) view returns (bytes32)',
    'function initializeRound()',
    'function getSenderInfo(address) view returns ((uint256 deposit, uint256 withdrawRound) sender, (uint256 fundsRemaining, uint256 claimedInCurrentRound) reserve)',
    'function claimableReserve(address,address) view returns (uint256)',
    'function usedTickets(bytes32) view returns (bool)',
    'function redeemWinningTicket((address recipient,address sender,uint256 faceValue,uint256 winProb,uint256 senderNonce,bytes32 recipientRandHash,bytes auxData) ticket, bytes sig, uint256 recipientRand)',
    'function getTranscoder(address) view returns (uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256)',
    'function isActiveTranscoder(address) view returns (bool)',
    'function pendingFees(address,uint256) view returns (uint256)',
    'function reward()',
    'function transcoder(uint256,uint256)',
    'function bond(uint256,address)',
    'function withdrawFees(address,uint256)',
    'function getServiceURI(address) view returns (string)',
    'function setServiceURI(string)',
  ]);
  const addr = () => ethers.getAddress(hex(randBytes(20)));
  const u = () => randBigInt(256);
  const s = (v) => typeof v === 'bigint' ? v.toString() : v;
  const calls = [];
  const add = (fn, args, result) => calls.push({
    fn, args: args.map((a) => Array.isArray(a) ? a.map(s) : s(a)),
    calldata: iface.encodeFunctionData(fn, args),
    result: result === undefined ? null : result.map((r) => Array.isArray(r) ? r.map(s) : s(r)),
    returndata: result === undefined ? null : iface.encodeFunctionResult(fn, result),
  });
  const name = pick(['TicketBroker', 'BondingManager', 'RoundsManager', 'ServiceRegistry']);
  add('getContract', [ethers.id(name)], [addr()]);
  calls[calls.length - 1].name = name;
  add('currentRound', [], [u()]);
  add('lastInitializedRound', [], [u()]);
  add('currentRoundInitialized', [], [rand() < 0.5]);
  add('blockHashForRound', [u()], [hex(randBytes(32))]);
  add('initializeRound', []);
  add('getSenderInfo', [addr()], [[u(), u()], [u(), u()]]);
  add('claimableReserve', [addr(), addr()], [u()]);
  add('usedTickets', [hex(randBytes(32))], [rand() < 0.5]);
  add('redeemWinningTicket', [[addr(), addr(), u(), u(), u(), hex(randBytes(32)), hex(randBytes(64))],
                              hex(randBytes(65)), u()]);
  add('getTranscoder', [addr()], Array.from({ length: 10 }, u));
  add('isActiveTranscoder', [addr()], [rand() < 0.5]);
  add('pendingFees', [addr(), u()], [u()]);
  add('reward', []);
  add('transcoder', [BigInt(randInt(1000001)), BigInt(randInt(1000001))]);
  add('bond', [u(), addr()]);
  add('withdrawFees', [addr(), u()]);
  add('getServiceURI', [addr()], ['https://' + randInt(1e9) + '.example.org:8935']);
  add('setServiceURI', ['https://10.0.0.' + randInt(256) + ':8935']);
  return calls;
}

const kinds = {
  rlp: () => Array.from({ length: count }, () => {
    const value = randRlp(0);
    return { value, encoded: ethers.encodeRlp(value) };
  }),
  abi: abiVectors, event: eventVectors, tx: txVectors, contracts: contractVectors,
  keystore: keystoreWrite, 'keystore-read': keystoreRead,
};
if (!kinds[kind]) { console.error('unknown kind ' + kind); process.exit(2); }
process.stdout.write(JSON.stringify(kinds[kind]()));
