// Ticket redemption on the devnet, end to end: tickets are made and signed as
// go-livepeer's gateway makes them (ethers as the independent implementation),
// redeemed by the orchestrator, and every on-chain check of doc/pm.md 4.3 is
// exercised with its exact revert string and in its order.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {ethers} = require('ethers');
const h = require('./harness');

let env;
let c;  // contract handles, connected to the orchestrator
let orch;
let gateway;

test.before(async () => {
  env = await h.startDevnet();
  orch = h.wallet(env, 'orchestrator');
  gateway = h.wallet(env, 'gateway');
  c = h.common.contractsOf(env.devnet, orch);
});

test.after(() => env && env.stop());

const redeem = (t) => c.TicketBroker.redeemWinningTicket(t.ticket, t.sig, t.recipientRand);
const simulate = (t) => c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, t.sig, t.recipientRand);
const ticketFor = (opts) => h.makeTicket(env, c, {sender: gateway, recipient: orch.address, ...opts});

async function pendingFees() {
  return c.BondingManager.pendingFees(orch.address, await c.RoundsManager.currentRound());
}

function eventsNamed(receipt, contract, name) {
  return receipt.logs
    .filter((l) => l.address === contract.target)
    .map((l) => contract.interface.parseLog(l))
    .filter((e) => e && e.name === name);
}

test('the devnet resolves every contract through the Controller and is ready', async () => {
  const devnet = env.devnet;
  assert.equal(env.controllerPrinted, devnet.controller);
  for (const name of ['TicketBroker', 'BondingManager', 'RoundsManager', 'ServiceRegistry', 'Minter', 'LivepeerToken']) {
    assert.equal(await c.Controller.getContract(ethers.id(name)), devnet.contracts[name], name);
  }
  assert.equal(await c.Controller.getContract(ethers.id('NoSuchContract')), ethers.ZeroAddress);
  assert.equal(await c.Controller.paused(), false);
  assert.equal(await c.Controller.owner(), devnet.accounts.deployer.address);
  assert.equal(await c.RoundsManager.currentRoundInitialized(), true);
  assert.equal(await c.BondingManager.isActiveTranscoder(orch.address), true);
  assert.equal(await c.BondingManager.transcoderStatus(orch.address), 1n);
  assert.equal(await c.BondingManager.getTranscoderPoolSize(), 1n);
  assert.equal(await c.BondingManager.getFirstTranscoderInPool(), orch.address);
  assert.equal(await c.ServiceRegistry.getServiceURI(orch.address), devnet.params.serviceURI);
  const [sender, reserve] = await c.TicketBroker.getSenderInfo(gateway.address);
  assert.equal(sender.deposit, BigInt(devnet.params.deposit));
  assert.equal(reserve.fundsRemaining, BigInt(devnet.params.reserve));
  assert.equal(env.devnet.chainId, 31337);
  assert.ok(env.startMs < 60000, `start took ${env.startMs} ms`);
});

test('the contract hashes tickets exactly as doc/pm.md 1.2 (ethers) does', async () => {
  const t = await ticketFor({faceValue: 123n, winProb: 456n});
  assert.equal(await c.TicketBroker.getTicketHash(t.ticket), h.ticketHash(t.ticket));
});

test('a winning ticket pays its face value from the deposit as fees to the orchestrator', async () => {
  const faceValue = ethers.parseEther('0.001');
  const t = await ticketFor({faceValue});
  const feesBefore = await pendingFees();
  const cumulativeBefore = (await c.BondingManager.getTranscoder(orch.address)).cumulativeFees;
  const [senderBefore] = await c.TicketBroker.getSenderInfo(gateway.address);

  const receipt = await (await redeem(t)).wait();

  assert.equal((await pendingFees()) - feesBefore, faceValue);
  const transcoder = await c.BondingManager.getTranscoder(orch.address);
  assert.equal(transcoder.cumulativeFees - cumulativeBefore, faceValue);
  assert.equal(transcoder.lastFeeRound, await c.RoundsManager.currentRound());
  const [senderAfter] = await c.TicketBroker.getSenderInfo(gateway.address);
  assert.equal(senderBefore.deposit - senderAfter.deposit, faceValue);
  assert.equal(await c.TicketBroker.usedTickets(h.ticketHash(t.ticket)), true);

  const [transfer] = eventsNamed(receipt, c.TicketBroker, 'WinningTicketTransfer');
  assert.deepEqual([transfer.args.sender, transfer.args.recipient, transfer.args.amount], [gateway.address, orch.address, faceValue]);
  const [redeemed] = eventsNamed(receipt, c.TicketBroker, 'WinningTicketRedeemed');
  assert.deepEqual(
    [...redeemed.args],
    [gateway.address, orch.address, faceValue, h.MAXWP, t.ticket.senderNonce, t.recipientRand, t.ticket.auxData],
  );
});

test('a replayed ticket reverts "ticket is used", also when mined', async () => {
  const t = await ticketFor({faceValue: 1000n});
  await (await redeem(t)).wait();
  await h.expectRevert(simulate(t), 'ticket is used');
  // Forced on-chain (fixed gas, no estimate): the transaction fails.
  const tx = await c.TicketBroker.redeemWinningTicket(t.ticket, t.sig, t.recipientRand, {gasLimit: 500000});
  await assert.rejects(tx.wait(), (err) => err.receipt && err.receipt.status === 0);
});

test('each redemption check reverts with its exact string', async () => {
  const fv = 1000n;
  const round = await c.RoundsManager.currentRound();

  let t = await ticketFor({faceValue: fv});
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, t.sig, t.recipientRand + 1n),
    'recipientRand does not match recipientRandHash');

  t = await ticketFor({faceValue: fv});
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, ethers.dataSlice(t.sig, 0, 64), t.recipientRand),
    'INVALID_SIGNATURE_LENGTH');

  // The same signature with s' = n - s (and v flipped) recovers the same key; OZ refuses it.
  t = await ticketFor({faceValue: fv});
  const sig = ethers.Signature.from(t.sig);
  const highS = ethers.concat([sig.r, ethers.toBeHex(h.SECP256K1_N - BigInt(sig.s), 32), ethers.toBeHex(sig.v === 27 ? 28 : 27, 1)]);
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, highS, t.recipientRand),
    "ECDSA: invalid signature 's' value");
  const badV = ethers.concat([ethers.dataSlice(t.sig, 0, 64), '0x1d']);
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, badV, t.recipientRand),
    "ECDSA: invalid signature 'v' value");

  t = await ticketFor({faceValue: fv, signer: h.anvilAccount(env, 5)});
  await h.expectRevert(simulate(t), 'invalid signature over ticket hash');

  t = await ticketFor({faceValue: fv, winProb: 0n});
  await h.expectRevert(simulate(t), 'ticket did not win');

  t = await ticketFor({faceValue: fv, round: round + 5n, blockHash: ethers.id('no such round')});
  await h.expectRevert(simulate(t), 'ticket creationRound does not have a block hash');

  t = await ticketFor({faceValue: fv, round, blockHash: ethers.id('wrong hash')});
  await h.expectRevert(simulate(t), 'ticket creationRoundBlockHash invalid for creationRound');

  t = await ticketFor({faceValue: fv});
  t.ticket.auxData = ethers.dataSlice(t.ticket.auxData, 0, 32);
  t.sig = await h.signTicket(gateway, t.ticket);
  await h.expectRevert(simulate(t), 'invalid length for ticket auxData: must be 64 bytes');

  t = await ticketFor({faceValue: fv});
  t.ticket.recipient = ethers.ZeroAddress;
  await h.expectRevert(simulate(t), 'ticket recipient is null address');
  t.ticket.recipient = orch.address;
  t.ticket.sender = ethers.ZeroAddress;
  await h.expectRevert(simulate(t), 'ticket sender is null address');
});

test('the checks run in the documented order', async () => {
  // auxData before recipientRand, recipientRand before used, used before signature.
  let t = await ticketFor({faceValue: 1000n, round: 10n ** 6n, blockHash: ethers.ZeroHash});
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, t.sig, t.recipientRand + 1n),
    'ticket creationRound does not have a block hash');
  t = await ticketFor({faceValue: 1000n});
  await (await redeem(t)).wait();
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, t.sig, t.recipientRand + 1n),
    'recipientRand does not match recipientRandHash');
  await h.expectRevert(c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, '0x1234', t.recipientRand), 'ticket is used');
});

test('a sender without deposit and reserve: "sender deposit and reserve are zero"', async () => {
  const broke = h.anvilAccount(env, 6);
  const t = await h.makeTicket(env, c, {sender: broke, recipient: orch.address, faceValue: 1000n});
  await h.expectRevert(simulate(t), 'sender deposit and reserve are zero');
});

test('a recipient that is not a registered transcoder cannot be paid', async () => {
  const stranger = h.anvilAccount(env, 7);
  const t = await h.makeTicket(env, c, {sender: gateway, recipient: stranger.address, faceValue: 1000n});
  await h.expectRevert(c.TicketBroker.connect(stranger).redeemWinningTicket.staticCall(t.ticket, t.sig, t.recipientRand),
    'transcoder must be registered');
});

test('a registered transcoder that was never active cannot be paid (division by zero, as Livepeer)', async () => {
  const owner = h.wallet(env, 'deployer');
  const fresh = h.anvilAccount(env, 2);
  const stake = ethers.parseEther('10');
  await (await c.LivepeerToken.connect(owner).mint(fresh.address, stake)).wait();
  await (await c.LivepeerToken.connect(fresh).approve(c.BondingManager.target, stake)).wait();
  await (await c.BondingManager.connect(fresh).bond(stake, fresh.address)).wait();
  assert.equal(await c.BondingManager.isRegisteredTranscoder(fresh.address), true);
  assert.equal(await c.BondingManager.isActiveTranscoder(fresh.address), false);
  const t = await h.makeTicket(env, c, {sender: gateway, recipient: fresh.address, faceValue: 1000n});
  const err = await c.TicketBroker.redeemWinningTicket.staticCall(t.ticket, t.sig, t.recipientRand).catch((e) => e);
  assert.equal(err.revert && err.revert.name, 'Panic', String(err.shortMessage));
  assert.equal(BigInt(err.revert.args[0]), 0x12n);
});

test('beyond the deposit, the recipient is paid from its share of the reserve', async () => {
  const sender = h.anvilAccount(env, 3);
  const deposit = ethers.parseEther('0.01');
  const reserve = ethers.parseEther('1');
  await (await c.TicketBroker.connect(sender).fundDepositAndReserve(deposit, reserve, {value: deposit + reserve})).wait();
  const poolSize = await c.BondingManager.getTranscoderPoolSize();
  assert.equal(await c.TicketBroker.claimableReserve(sender.address, orch.address), reserve / poolSize);

  const faceValue = ethers.parseEther('0.5');
  const feesBefore = await pendingFees();
  const t = await h.makeTicket(env, c, {sender, recipient: orch.address, faceValue});
  const receipt = await (await redeem(t)).wait();
  const [claimed] = eventsNamed(receipt, c.TicketBroker, 'ReserveClaimed');
  assert.deepEqual([...claimed.args], [sender.address, orch.address, faceValue - deposit]);
  assert.equal((await pendingFees()) - feesBefore, faceValue);
  assert.equal(await c.TicketBroker.claimedReserve(sender.address, orch.address), faceValue - deposit);
  const [info, reserveInfo] = await c.TicketBroker.getSenderInfo(sender.address);
  assert.equal(info.deposit, 0n);
  assert.equal(reserveInfo.fundsRemaining, reserve - (faceValue - deposit));
  assert.equal(reserveInfo.claimedInCurrentRound, faceValue - deposit);

  // A second, larger ticket only gets what is left of the recipient's share.
  const left = await c.TicketBroker.claimableReserve(sender.address, orch.address);
  assert.equal(left, (reserveInfo.fundsRemaining + reserveInfo.claimedInCurrentRound) / poolSize - (faceValue - deposit));
  const big = await h.makeTicket(env, c, {sender, recipient: orch.address, faceValue: ethers.parseEther('5')});
  const bigReceipt = await (await redeem(big)).wait();
  const [transfer] = eventsNamed(bigReceipt, c.TicketBroker, 'WinningTicketTransfer');
  assert.equal(transfer.args.amount, left);
});

test('batchRedeemWinningTickets redeems the good tickets and skips the bad', async () => {
  const good = await ticketFor({faceValue: 777n});
  const bad = await ticketFor({faceValue: 888n, winProb: 0n});
  const feesBefore = await pendingFees();
  const receipt = await (await c.TicketBroker.batchRedeemWinningTickets(
    [good.ticket, bad.ticket], [good.sig, bad.sig], [good.recipientRand, bad.recipientRand])).wait();
  assert.equal(receipt.status, 1);
  assert.equal((await pendingFees()) - feesBefore, 777n);
  assert.equal(await c.TicketBroker.usedTickets(h.ticketHash(good.ticket)), true);
  assert.equal(await c.TicketBroker.usedTickets(h.ticketHash(bad.ticket)), false);
});

test('withdrawFees pays the fees out in ETH', async () => {
  const payee = ethers.Wallet.createRandom().address;
  const fees = await pendingFees();
  assert.ok(fees > 0n);
  const receipt = await (await c.BondingManager.withdrawFees(payee, fees)).wait();
  assert.equal(await env.provider.getBalance(payee), fees);
  assert.equal(await pendingFees(), 0n);
  const [withdrawn] = eventsNamed(receipt, c.BondingManager, 'WithdrawFees');
  assert.deepEqual([...withdrawn.args], [orch.address, payee, fees]);
  await h.expectRevert(c.BondingManager.withdrawFees.staticCall(payee, 1n), 'insufficient fees to withdraw');
});

test('tickets expire after ticketValidityPeriod rounds', async () => {
  const old = await ticketFor({faceValue: 1000n});
  const validity = await c.TicketBroker.ticketValidityPeriod();
  for (let i = 0n; i < validity; i++) await h.common.advanceToNextRound(env.provider, c.RoundsManager);
  await h.expectRevert(simulate(old), 'ticket is expired');
});

test('a paused system or an uninitialized round refuses redemption', async () => {
  const owner = h.wallet(env, 'deployer');
  const t = await ticketFor({faceValue: 1000n});
  await (await c.Controller.connect(owner).pause()).wait();
  await h.expectRevert(simulate(t), 'system is paused');
  await (await c.Controller.connect(owner).unpause()).wait();

  const roundLength = await c.RoundsManager.roundLength();
  await env.provider.send('anvil_mine', [ethers.toQuantity(roundLength)]);
  assert.equal(await c.RoundsManager.currentRoundInitialized(), false);
  await h.expectRevert(simulate(t), 'current round is not initialized');
  await (await c.RoundsManager.initializeRound()).wait();
  await (await redeem(t)).wait();
});

test('a sender that unlocked can no longer be redeemed against, then withdraws', async () => {
  const sender = h.anvilAccount(env, 4);
  await (await c.TicketBroker.connect(sender).fundDepositAndReserve(1000n, 2000n, {value: 3000n})).wait();
  const t = await h.makeTicket(env, c, {sender, recipient: orch.address, faceValue: 100n});
  const receipt = await (await c.TicketBroker.connect(sender).unlock()).wait();
  const [unlock] = eventsNamed(receipt, c.TicketBroker, 'Unlock');
  const round = await c.RoundsManager.currentRound();
  assert.deepEqual([...unlock.args], [sender.address, round, round + (await c.TicketBroker.unlockPeriod())]);
  assert.equal(await c.TicketBroker.isUnlockInProgress(sender.address), true);
  await h.expectRevert(c.TicketBroker.connect(sender).withdraw.staticCall(), 'account is locked');

  for (let i = 0n; i < (await c.TicketBroker.unlockPeriod()); i++) {
    await h.common.advanceToNextRound(env.provider, c.RoundsManager);
  }
  const fresh = await h.makeTicket(env, c, {sender, recipient: orch.address, faceValue: 100n});
  await h.expectRevert(simulate(fresh), 'sender is unlocked');
  const balanceBefore = await env.provider.getBalance(sender.address);
  const withdrawal = await (await c.TicketBroker.connect(sender).withdraw()).wait();
  const gas = withdrawal.gasUsed * withdrawal.gasPrice;
  assert.equal((await env.provider.getBalance(sender.address)) - balanceBefore + gas, 3000n);
  assert.ok(t);  // the first ticket was made while locked; it is simply never redeemed
});
