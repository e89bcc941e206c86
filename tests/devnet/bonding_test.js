// BondingManager, RoundsManager and ServiceRegistry behaviour a node relies
// on: registration and activation from the next round, the pool ordered by
// stake, rewards once per round, unbond/rebond/withdrawStake, and the
// parameter and access checks with Livepeer's revert strings.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {ethers} = require('ethers');
const h = require('./harness');

let env;
let c;
let owner;
let orch;

test.before(async () => {
  env = await h.startDevnet();
  owner = h.wallet(env, 'deployer');
  orch = h.wallet(env, 'orchestrator');
  c = h.common.contractsOf(env.devnet, owner);
});
test.after(() => env && env.stop());

const send = async (p) => (await p).wait();

function eventsNamed(receipt, contract, name) {
  return receipt.logs
    .map((l) => contract.interface.parseLog(l))
    .filter((e) => e && e.name === name);
}

// Bonds `amount` LPT from `account` to itself and registers it as a transcoder.
async function registerTranscoder(account, amount) {
  await send(c.LivepeerToken.mint(account.address, amount));
  await send(c.LivepeerToken.connect(account).approve(c.BondingManager.target, amount));
  const receipt = await send(c.BondingManager.connect(account).bond(amount, account.address));
  await send(c.BondingManager.connect(account).transcoder(50000n, 250000n));
  return receipt;
}

test('a new transcoder is registered at once and active from the next round', async () => {
  const t2 = h.anvilAccount(env, 2);
  const round = await c.RoundsManager.currentRound();
  const receipt = await registerTranscoder(t2, ethers.parseEther('5000'));
  const [bond] = eventsNamed(receipt, c.BondingManager, 'Bond');
  assert.deepEqual([...bond.args], [t2.address, ethers.ZeroAddress, t2.address, ethers.parseEther('5000'), ethers.parseEther('5000')]);
  const [activated] = eventsNamed(receipt, c.BondingManager, 'TranscoderActivated');
  assert.deepEqual([...activated.args], [t2.address, round + 1n]);

  assert.equal(await c.BondingManager.isRegisteredTranscoder(t2.address), true);
  assert.equal(await c.BondingManager.isActiveTranscoder(t2.address), false);
  const t = await c.BondingManager.getTranscoder(t2.address);
  assert.deepEqual([t.rewardCut, t.feeShare, t.activationRound], [50000n, 250000n, round + 1n]);
  assert.equal(t.deactivationRound, ethers.MaxUint256);

  await h.common.advanceToNextRound(env.provider, c.RoundsManager);
  assert.equal(await c.BondingManager.isActiveTranscoder(t2.address), true);
  // The pool is ordered by stake: 5000 LPT before the orchestrator's 1000.
  assert.equal(await c.BondingManager.getTranscoderPoolSize(), 2n);
  assert.equal(await c.BondingManager.getFirstTranscoderInPool(), t2.address);
  assert.equal(await c.BondingManager.getNextTranscoderInPool(t2.address), orch.address);
  assert.equal(await c.BondingManager.getNextTranscoderInPool(orch.address), ethers.ZeroAddress);
  assert.equal(await c.BondingManager.getTotalBonded(), ethers.parseEther('6000'));
});

test('reward mints once per round for active transcoders and can reorder the pool', async () => {
  await h.expectRevert(c.BondingManager.connect(h.anvilAccount(env, 8)).reward.staticCall(), 'caller must be an active transcoder');
  await send(c.Minter.setRewardPerRound(ethers.parseEther('60000')));
  await h.common.advanceToNextRound(env.provider, c.RoundsManager);
  const stakeBefore = await c.BondingManager.transcoderTotalStake(orch.address);
  const receipt = await send(c.BondingManager.connect(orch).reward());
  const [reward] = eventsNamed(receipt, c.BondingManager, 'Reward');
  // The orchestrator holds 1000 of 6000 active LPT: a sixth of the round's mintable tokens.
  assert.equal(reward.args.amount, ethers.parseEther('10000'));
  assert.equal(await c.BondingManager.transcoderTotalStake(orch.address), stakeBefore + reward.args.amount);
  assert.equal((await c.BondingManager.getTranscoder(orch.address)).lastRewardRound, await c.RoundsManager.currentRound());
  assert.equal(await c.BondingManager.getFirstTranscoderInPool(), orch.address);
  await h.expectRevert(c.BondingManager.connect(orch).reward.staticCall(), 'caller has already called reward for the current round');
});

test('unbonding everything deactivates a transcoder; rebond and withdrawStake work', async () => {
  const t2 = h.anvilAccount(env, 2);
  const all = (await c.BondingManager.getDelegator(t2.address)).bondedAmount;
  const round = await c.RoundsManager.currentRound();
  const receipt = await send(c.BondingManager.connect(t2).unbond(all));
  const [unbond] = eventsNamed(receipt, c.BondingManager, 'Unbond');
  assert.deepEqual([...unbond.args], [t2.address, t2.address, 0n, all, round + (await c.BondingManager.unbondingPeriod())]);
  const [deactivated] = eventsNamed(receipt, c.BondingManager, 'TranscoderDeactivated');
  assert.deepEqual([...deactivated.args], [t2.address, round + 1n]);
  assert.equal(await c.BondingManager.isRegisteredTranscoder(t2.address), false);
  assert.equal(await c.BondingManager.getTranscoderPoolSize(), 1n);

  await h.expectRevert(c.BondingManager.connect(t2).withdrawStake.staticCall(0n),
    'withdraw round must be before or equal to the current round');
  const half = all / 2n;
  await h.expectRevert(c.BondingManager.connect(t2).unbond.staticCall(1n), 'caller must be bonded');
  // Rebond from unbonded puts the tokens back with t2 as its own delegate.
  await send(c.BondingManager.connect(t2).rebondFromUnbonded(t2.address, 0n));
  assert.equal((await c.BondingManager.getDelegator(t2.address)).bondedAmount, all);
  // The new bond starts next round; until then the delegator is Pending and cannot unbond.
  assert.equal(await c.BondingManager.delegatorStatus(t2.address), 0n);
  await h.expectRevert(c.BondingManager.connect(t2).unbond.staticCall(half), 'caller must be bonded');
  await h.common.advanceToNextRound(env.provider, c.RoundsManager);
  await send(c.BondingManager.connect(t2).unbond(half));
  await send(c.BondingManager.connect(t2).rebond(1n));
  await send(c.BondingManager.connect(t2).unbond(half));
  for (let i = 0n; i < (await c.BondingManager.unbondingPeriod()); i++) {
    await h.common.advanceToNextRound(env.provider, c.RoundsManager);
  }
  const balanceBefore = await c.LivepeerToken.balanceOf(t2.address);
  await send(c.BondingManager.connect(t2).withdrawStake(2n));
  assert.equal((await c.LivepeerToken.balanceOf(t2.address)) - balanceBefore, half);
  await h.expectRevert(c.BondingManager.connect(t2).withdrawStake.staticCall(2n), 'invalid unbonding lock ID');
});

test('transcoder() refuses unregistered callers, bad percentages and locked rounds', async () => {
  const nobody = h.anvilAccount(env, 8);
  await h.expectRevert(c.BondingManager.connect(nobody).transcoder.staticCall(1n, 1n), 'transcoder must be registered');
  await h.expectRevert(c.BondingManager.connect(orch).transcoder.staticCall(1000001n, 1n), 'invalid rewardCut percentage');
  await h.expectRevert(c.BondingManager.connect(orch).transcoder.staticCall(1n, 1000001n), 'invalid feeShare percentage');
  const start = await c.RoundsManager.currentRoundStartBlock();
  const length = await c.RoundsManager.roundLength();
  const head = BigInt(await env.provider.getBlockNumber());
  await env.provider.send('anvil_mine', [ethers.toQuantity(start + length - 1n - head)]);
  assert.equal(await c.RoundsManager.currentRoundLocked(), true);
  await h.expectRevert(c.BondingManager.connect(orch).transcoder.staticCall(1n, 1n),
    "can't update transcoder params, current round is locked");
});

test('rounds: NewRound carries the stored block hash; a round initializes once', async () => {
  const head = BigInt(await env.provider.getBlockNumber());
  const length = await c.RoundsManager.roundLength();
  await env.provider.send('anvil_mine', [ethers.toQuantity(length - (head % length))]);
  const receipt = await send(c.RoundsManager.initializeRound());
  const [newRound] = eventsNamed(receipt, c.RoundsManager, 'NewRound');
  const parent = await env.provider.getBlock(receipt.blockNumber - 1);
  assert.equal(newRound.args.round, await c.RoundsManager.currentRound());
  assert.equal(newRound.args.blockHash, parent.hash);
  assert.equal(await c.RoundsManager.blockHashForRound(newRound.args.round), parent.hash);
  assert.equal(await c.RoundsManager.lastInitializedRound(), newRound.args.round);
  await h.expectRevert(c.RoundsManager.initializeRound.staticCall(), 'round already initialized');
});

test('owner-only parameters and the Controller registry', async () => {
  const nobody = h.anvilAccount(env, 8);
  await h.expectRevert(c.RoundsManager.connect(nobody).setRoundLength.staticCall(5n), 'caller must be Controller owner');
  await h.expectRevert(c.TicketBroker.connect(nobody).setTicketValidityPeriod.staticCall(5n), 'caller must be Controller owner');
  await h.expectRevert(c.TicketBroker.setTicketValidityPeriod.staticCall(0n), 'ticketValidityPeriod must be greater than 0');
  await h.expectRevert(c.RoundsManager.setRoundLength.staticCall(0n), 'round length cannot be 0');
  await assert.rejects(c.Controller.connect(nobody).pause.staticCall());
  const id = ethers.id('Verifier');
  const receipt = await send(c.Controller.setContractInfo(id, nobody.address, '0x' + 'ab'.repeat(20)));
  const [info] = eventsNamed(receipt, c.Controller, 'SetContractInfo');
  assert.deepEqual([...info.args], [id, nobody.address, '0x' + 'ab'.repeat(20)]);
  assert.deepEqual([...(await c.Controller.getContractInfo(id))], [nobody.address, '0x' + 'ab'.repeat(20)]);
  const uri = await send(c.ServiceRegistry.connect(nobody).setServiceURI('https://example.test:8935'));
  const [update] = eventsNamed(uri, c.ServiceRegistry, 'ServiceURIUpdate');
  assert.deepEqual([...update.args], [nobody.address, 'https://example.test:8935']);
});
