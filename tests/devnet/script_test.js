// scripts/devnet and scripts/devnet-lib/chain.js as the other engineers and the
// demo use them: start is idempotent and fails clearly on a busy port, stop
// kills anvil, an arbitrary orchestrator address works, and the CLI commands
// move rounds, report fees and sender funds, set the gas price, pay out fees.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {execFileSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {ethers} = require('ethers');
const h = require('./harness');

const CHAIN = path.resolve(__dirname, '../../scripts/devnet-lib/chain.js');

function chain(env, ...args) {
  const out = execFileSync(process.execPath, [CHAIN, '--state-dir', env.stateDir, ...args], {encoding: 'utf8'});
  return JSON.parse(out);
}

async function rpcAnswers(url) {
  try {
    await h.common.localProvider(url).getBlockNumber();
    return true;
  } catch {
    return false;
  }
}

let env;
test.before(async () => {
  env = await h.startDevnet(['--round-length', '10']);
});
test.after(() => env && env.stop());

test('devnet.json describes the chain, its contracts and the accounts', () => {
  const d = env.devnet;
  assert.equal(d.rpcUrl, `http://127.0.0.1:${env.port}`);
  assert.equal(d.chainId, 31337);
  assert.equal(d.contracts.Controller, d.controller);
  assert.equal(d.contracts.JobsManager, d.contracts.TicketBroker);
  for (const role of ['orchestrator', 'gateway', 'deployer']) {
    const account = d.accounts[role];
    assert.equal(new ethers.Wallet(account.privateKey).address, account.address, role);
    assert.equal(h.common.anvilWallet(h.common.ROLE_ACCOUNT_INDEX[role]).address, account.address, role);
  }
  assert.equal(d.params.roundLength, 10);
  assert.ok(fs.existsSync(d.artifacts));
});

test('start again is idempotent: same chain, same Controller, no redeploy', async () => {
  const blockBefore = await env.provider.getBlockNumber();
  const {stdout} = h.runDevnet(env.startArgs);
  assert.equal(stdout.trim(), env.devnet.controller);
  assert.equal(await env.provider.getBlockNumber(), blockBefore);
});

test('start on a busy port fails clearly', () => {
  const otherState = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-devnet-busy-'));
  const result = h.runDevnet(['start', '--port', String(env.port), '--state-dir', otherState], {allowFailure: true});
  fs.rmSync(otherState, {recursive: true, force: true});
  assert.equal(result.ok, false);
  assert.match(result.stderr, new RegExp(`port ${env.port} is already in use`));
});

test('chain.js moves rounds and reports them', () => {
  const before = chain(env, 'round');
  assert.equal(before.initialized, true);
  const mined = chain(env, 'mine', '3');
  assert.equal(mined.block, before.block + 3);
  const next = chain(env, 'next-round');
  assert.equal(BigInt(next.currentRound), BigInt(before.currentRound) + 1n);
  assert.equal(next.initialized, true);
  assert.notEqual(next.blockHashForRound, ethers.ZeroHash);
  assert.equal(next.currentRoundStartBlock, String(BigInt(next.currentRound) * 10n));
});

test('chain.js reports and changes sender funds', () => {
  const before = chain(env, 'sender');
  assert.equal(before.address, env.devnet.accounts.gateway.address);
  const after = chain(env, 'fund', '1', '0.5');
  assert.equal(BigInt(after.deposit) - BigInt(before.deposit), ethers.parseEther('1'));
  assert.equal(BigInt(after.reserve) - BigInt(before.reserve), ethers.parseEther('0.5'));
});

test('chain.js sets the gas price', () => {
  const result = chain(env, 'gas-price', '3000000000');
  assert.equal(result.headBaseFeePerGas, '3000000000');
  assert.ok(BigInt(result.gasPrice) >= 3000000000n);
});

test('chain.js reports fees and withdraws them after a redemption', async () => {
  const orch = h.wallet(env, 'orchestrator');
  const gateway = h.wallet(env, 'gateway');
  const c = h.common.contractsOf(env.devnet, orch);
  const t = await h.makeTicket(env, c, {sender: gateway, recipient: orch.address, faceValue: ethers.parseEther('0.25')});
  await (await c.TicketBroker.redeemWinningTicket(t.ticket, t.sig, t.recipientRand)).wait();

  const fees = chain(env, 'fees');
  assert.equal(fees.pendingFees, ethers.parseEther('0.25').toString());
  assert.equal(fees.cumulativeFees, fees.pendingFees);
  assert.equal(fees.active, true);
  const paid = chain(env, 'withdraw-fees');
  assert.equal(paid.withdrawn, fees.pendingFees);
  assert.equal(paid.pendingFees, '0');
  assert.equal(paid.delegatorFees, '0');
  assert.ok(BigInt(paid.ethBalance) > BigInt(fees.ethBalance));
});

test('chain.js reward mints LPT once per round', async () => {
  chain(env, 'next-round');
  const reward = chain(env, 'reward');
  assert.ok(BigInt(reward.reward) > 0n);
  assert.throws(() => chain(env, 'reward'), /already called reward/);
});

test('any orchestrator address can be activated (through anvil impersonation)', async () => {
  const address = ethers.Wallet.createRandom().address;
  const other = await h.startDevnet(['--orchestrator', address, '--service-uri', 'https://10.0.0.1:9000']);
  try {
    const c = h.common.contractsOf(other.devnet, other.provider);
    assert.equal(other.devnet.accounts.orchestrator.address, address);
    assert.equal(other.devnet.accounts.orchestrator.privateKey, null);
    assert.equal(await c.BondingManager.isActiveTranscoder(address), true);
    assert.equal(await c.ServiceRegistry.getServiceURI(address), 'https://10.0.0.1:9000');
  } finally {
    other.stop();
  }
});

test('stop kills anvil and removes the description', async () => {
  const url = env.devnet.rpcUrl;
  assert.equal(await rpcAnswers(url), true);
  h.runDevnet(['stop', '--state-dir', env.stateDir]);
  assert.equal(await rpcAnswers(url), false);
  assert.equal(fs.existsSync(path.join(env.stateDir, 'devnet.json')), false);
});
