// Test harness for the devnet suites: starts a devnet on a free port in a
// fresh state directory, hands out contract handles and wallets, and builds
// tickets exactly as go-livepeer's gateway does (doc/pm.md 1.2-1.4) with
// ethers as the independent implementation of keccak256 and personal-sign.
'use strict';

const assert = require('node:assert/strict');
const {execFileSync} = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const {ethers} = require('ethers');

const REPO_ROOT = path.resolve(__dirname, '../..');
const DEVNET = path.join(REPO_ROOT, 'scripts/devnet');
const common = require(path.join(REPO_ROOT, 'scripts/devnet-lib/common'));
const MAXWP = ethers.MaxUint256;
const SECP256K1_N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

function cacheDir() {
  return process.env.BATON_DEVNET_CACHE || path.join(REPO_ROOT, 'build-devnet', 'cache');
}

function runDevnet(args, {allowFailure = false} = {}) {
  try {
    return {ok: true, stdout: execFileSync(DEVNET, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180000})};
  } catch (err) {
    if (!allowFailure) throw new Error(`scripts/devnet ${args.join(' ')} failed: ${err.stderr}`);
    return {ok: false, status: err.status, stdout: err.stdout, stderr: err.stderr};
  }
}

async function startDevnet(extraArgs = []) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-devnet-test-'));
  const args = ['start', '--port', '0', '--state-dir', stateDir, '--cache-dir', cacheDir(), ...extraArgs];
  const started = Date.now();
  const {stdout} = runDevnet(args);
  const devnet = common.loadDevnet(stateDir);
  const port = Number(new URL(devnet.rpcUrl).port);  // anvil chose it (--port 0)
  const provider = common.localProvider(devnet.rpcUrl, devnet.chainId);
  return {
    port,
    stateDir,
    startArgs: args,
    startMs: Date.now() - started,
    controllerPrinted: stdout.trim(),
    devnet,
    provider,
    stop() {
      runDevnet(['stop', '--state-dir', stateDir]);
      fs.rmSync(stateDir, {recursive: true, force: true});
    },
  };
}

function wallet(env, role) {
  return new ethers.Wallet(env.devnet.accounts[role].privateKey, env.provider);
}

function anvilAccount(env, index) {
  return common.anvilWallet(index).connect(env.provider);
}

// auxData = BE32(creationRound) || creationRoundBlockHash (doc/pm.md 1.1).
function auxData(creationRound, blockHash) {
  return ethers.concat([ethers.toBeHex(creationRound, 32), blockHash]);
}

// The ticket hash per doc/pm.md 1.2: keccak256 over the packed 232-byte layout.
function ticketHash(t) {
  return ethers.solidityPackedKeccak256(
    ['address', 'address', 'uint256', 'uint256', 'uint256', 'bytes32', 'bytes'],
    [t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, t.auxData],
  );
}

// Personal-sign over the 32 raw hash bytes; ethers yields r || s || v with v in {27, 28}.
async function signTicket(signer, t) {
  return signer.signMessage(ethers.getBytes(ticketHash(t)));
}

let nonceCounter = 1;

// A ticket from `sender` to `recipient` created in `round` (whose block hash is
// read from the chain unless given), with a fresh recipientRand.
async function makeTicket(env, c, {sender, recipient, faceValue, winProb = MAXWP, round, blockHash, signer}) {
  const creationRound = round ?? (await c.RoundsManager.lastInitializedRound());
  const hash = blockHash ?? (await c.RoundsManager.blockHashForRound(creationRound));
  const recipientRand = BigInt(ethers.hexlify(ethers.randomBytes(32)));
  const ticket = {
    recipient,
    sender: await sender.getAddress(),
    faceValue,
    winProb,
    senderNonce: BigInt(nonceCounter++),
    recipientRandHash: ethers.solidityPackedKeccak256(['uint256'], [recipientRand]),
    auxData: auxData(creationRound, hash),
  };
  const sig = await signTicket(signer ?? sender, ticket);
  return {ticket, sig, recipientRand};
}

// Runs `fn` (a promise of a call) and asserts it reverts with exactly `reason`.
async function expectRevert(promise, reason) {
  let error = null;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  assert.ok(error, `expected a revert with "${reason}", but the call succeeded`);
  assert.equal(error.reason, reason, `revert reason (${error.shortMessage || error.message})`);
}

module.exports = {
  MAXWP,
  SECP256K1_N,
  common,
  freePort,
  runDevnet,
  startDevnet,
  wallet,
  anvilAccount,
  auxData,
  ticketHash,
  signTicket,
  makeTicket,
  expectRevert,
};
