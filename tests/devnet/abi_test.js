// The compiled devnet contracts expose Livepeer's ABI: every selector listed in
// doc/pm.md 4.1 and 5 (recomputed here with ethers from its signature) and
// every event a node watches, with the same signature, topic and indexed-ness.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const {ethers} = require('ethers');
const {compileContracts} = require('../../scripts/devnet-lib/compile');

const T = '(address,address,uint256,uint256,uint256,bytes32,bytes)';

// [contract, selector from doc/pm.md, signature]
const FUNCTIONS = [
  ['TicketBroker', 'ec8b3cb6', `redeemWinningTicket(${T},bytes,uint256)`],
  ['TicketBroker', 'd01b808e', `batchRedeemWinningTickets(${T}[],bytes[],uint256[])`],
  ['TicketBroker', '59a515ba', 'usedTickets(bytes32)'],
  ['TicketBroker', 'b03fa864', `getTicketHash(${T})`],
  ['TicketBroker', 'e1a589da', 'getSenderInfo(address)'],
  ['TicketBroker', '4ac826da', 'claimedReserve(address,address)'],
  ['TicketBroker', '81779f38', 'claimableReserve(address,address)'],
  ['TicketBroker', '5b6333eb', 'getReserveInfo(address)'],
  ['TicketBroker', '6caa736b', 'fundDeposit()'],
  ['TicketBroker', '6f9c3c8f', 'fundReserve()'],
  ['TicketBroker', '511f4073', 'fundDepositAndReserve(uint256,uint256)'],
  ['TicketBroker', '989f789c', 'fundDepositAndReserveFor(address,uint256,uint256)'],
  ['TicketBroker', 'a69df4b5', 'unlock()'],
  ['TicketBroker', 'c2c4c2c8', 'cancelUnlock()'],
  ['TicketBroker', '3ccfd60b', 'withdraw()'],
  ['TicketBroker', '121cdcc2', 'isUnlockInProgress(address)'],
  ['TicketBroker', '20d3a0b4', 'unlockPeriod()'],
  ['TicketBroker', '856a2cf8', 'ticketValidityPeriod()'],
  ['TicketBroker', '3d0ddf84', 'setUnlockPeriod(uint256)'],
  ['TicketBroker', 'c9297808', 'setTicketValidityPeriod(uint256)'],
  ['Controller', 'e16c7d98', 'getContract(bytes32)'],
  ['Controller', '613e2de2', 'getContractInfo(bytes32)'],
  ['Controller', 'd737c2b0', 'setContractInfo(bytes32,address,bytes20)'],
  ['Controller', '8da5cb5b', 'owner()'],
  ['Controller', '5c975abb', 'paused()'],
  ['Controller', '8456cb59', 'pause()'],
  ['Controller', '3f4ba83a', 'unpause()'],
  ['RoundsManager', '8a19c8bc', 'currentRound()'],
  ['RoundsManager', '219bc76c', 'currentRoundInitialized()'],
  ['RoundsManager', '6841f253', 'currentRoundLocked()'],
  ['RoundsManager', '8fa148f2', 'currentRoundStartBlock()'],
  ['RoundsManager', '3aa4add4', 'blockHashForRound(uint256)'],
  ['RoundsManager', '8b649b94', 'roundLength()'],
  ['RoundsManager', 'f5b490d5', 'roundLockAmount()'],
  ['RoundsManager', '8807f36e', 'lastInitializedRound()'],
  ['RoundsManager', 'd4807fb2', 'initializeRound()'],
  ['RoundsManager', '681312f5', 'setRoundLength(uint256)'],
  ['RoundsManager', '0b1573b8', 'setRoundLockAmount(uint256)'],
  ['BondingManager', '228cb733', 'reward()'],
  ['BondingManager', '81871056', 'rewardWithHint(address,address)'],
  ['BondingManager', '43d3461a', 'transcoder(uint256,uint256)'],
  ['BondingManager', 'b78d27dc', 'bond(uint256,address)'],
  ['BondingManager', '27de9e32', 'unbond(uint256)'],
  ['BondingManager', 'eaffb3f9', 'rebond(uint256)'],
  ['BondingManager', '25d5971f', 'withdrawStake(uint256)'],
  ['BondingManager', 'ad3b1b47', 'withdrawFees(address,uint256)'],
  ['BondingManager', '24b1babf', 'claimEarnings(uint256)'],
  ['BondingManager', '8b2f1652', 'transcoderStatus(address)'],
  ['BondingManager', '5dce9948', 'getTranscoder(address)'],
  ['BondingManager', '08802374', 'isActiveTranscoder(address)'],
  ['BondingManager', '68ba170c', 'isRegisteredTranscoder(address)'],
  ['BondingManager', '2a4e0d55', 'getTranscoderPoolSize()'],
  ['BondingManager', '88a6c749', 'getFirstTranscoderInPool()'],
  ['BondingManager', '235c9603', 'getNextTranscoderInPool(address)'],
  ['BondingManager', '5c50c356', 'getTotalBonded()'],
  ['BondingManager', '9ef9df94', 'transcoderTotalStake(address)'],
  ['BondingManager', 'f595f1cc', 'pendingFees(address,uint256)'],
  ['BondingManager', '9d0b2c7a', 'pendingStake(address,uint256)'],
  ['BondingManager', '24454fc4', 'getTranscoderEarningsPoolForRound(address,uint256)'],
  ['ServiceRegistry', '5f11301b', 'setServiceURI(string)'],
  ['ServiceRegistry', '214c2a4b', 'getServiceURI(address)'],
  ['Minter', '9ae6309a', 'currentMintableTokens()'],
  ['LivepeerToken', '095ea7b3', 'approve(address,uint256)'],
  ['LivepeerToken', 'dd62ed3e', 'allowance(address,address)'],
  ['LivepeerToken', '70a08231', 'balanceOf(address)'],
];

// [contract, signature, indexed flags, topic0 prefix from doc/pm.md 4.2 (or null)]
const EVENTS = [
  ['TicketBroker', 'DepositFunded(address,uint256)', [true, false], '5159e237d952190e'],
  ['TicketBroker', 'ReserveFunded(address,uint256)', [true, false], 'b52b99b9e83551fc'],
  ['TicketBroker', 'ReserveClaimed(address,address,uint256)', [true, false, false], '5c2b394723f408a4'],
  [
    'TicketBroker',
    'WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)',
    [true, true, false, false, false, false, false],
    'c389eb51ed006dbf',
  ],
  ['TicketBroker', 'WinningTicketTransfer(address,address,uint256)', [true, true, false], '8b87351a208c06e3'],
  ['TicketBroker', 'Unlock(address,uint256,uint256)', [true, false, false], 'f7870c5b224cbc19'],
  ['TicketBroker', 'UnlockCancelled(address)', [true], 'fa044b7b93a40365'],
  ['TicketBroker', 'Withdrawal(address,uint256,uint256)', [true, false, false], 'df273cb619d95419'],
  ['RoundsManager', 'NewRound(uint256,bytes32)', [true, false], '22f2fc17c5daf07d'],
  // The rest of the events go-livepeer's block watcher filters on (doc/ops.md 5).
  ['BondingManager', 'TranscoderActivated(address,uint256)', [true, false], null],
  ['BondingManager', 'TranscoderDeactivated(address,uint256)', [true, false], null],
  ['BondingManager', 'Unbond(address,address,uint256,uint256,uint256)', [true, true, false, false, false], null],
  ['BondingManager', 'Rebond(address,address,uint256,uint256)', [true, true, false, false], null],
  ['BondingManager', 'WithdrawStake(address,uint256,uint256,uint256)', [true, false, false, false], null],
  ['BondingManager', 'Bond(address,address,address,uint256,uint256)', [true, true, true, false, false], null],
  ['BondingManager', 'Reward(address,uint256)', [true, false], null],
  ['BondingManager', 'WithdrawFees(address,address,uint256)', [true, false, false], null],
  ['BondingManager', 'TranscoderUpdate(address,uint256,uint256)', [true, false, false], null],
  ['ServiceRegistry', 'ServiceURIUpdate(address,string)', [true, false], null],
  ['Controller', 'SetContractInfo(bytes32,address,bytes20)', [false, false, false], null],
];

const cacheDir = process.env.BATON_DEVNET_CACHE || path.resolve(__dirname, '../../build-devnet/cache');
const {artifacts} = compileContracts({cacheDir});
const iface = (name) => new ethers.Interface(artifacts[name].abi);

test('every documented selector matches its signature and exists in the compiled ABI', () => {
  for (const [contract, selector, signature] of FUNCTIONS) {
    assert.equal(ethers.id(signature).slice(2, 10), selector, `doc/pm.md selector of ${signature}`);
    const fragment = iface(contract).getFunction(`0x${selector}`);
    assert.ok(fragment, `${contract} lacks ${signature}`);
    assert.equal(fragment.format('sighash'), signature);
  }
});

test('getTranscoder returns the 10 documented words in order', () => {
  const outputs = iface('BondingManager').getFunction('getTranscoder').outputs.map((o) => `${o.type} ${o.name}`);
  assert.deepEqual(outputs, [
    'uint256 lastRewardRound',
    'uint256 rewardCut',
    'uint256 feeShare',
    'uint256 lastActiveStakeUpdateRound',
    'uint256 activationRound',
    'uint256 deactivationRound',
    'uint256 activeCumulativeRewards',
    'uint256 cumulativeRewards',
    'uint256 cumulativeFees',
    'uint256 lastFeeRound',
  ]);
});

test('getSenderInfo returns (deposit, withdrawRound) and (fundsRemaining, claimedInCurrentRound)', () => {
  const [sender, reserve] = iface('TicketBroker').getFunction('getSenderInfo').outputs;
  assert.deepEqual(sender.components.map((c) => c.name), ['deposit', 'withdrawRound']);
  assert.deepEqual(reserve.components.map((c) => c.name), ['fundsRemaining', 'claimedInCurrentRound']);
});

test('events have the documented signatures, topics and indexed parameters', () => {
  for (const [contract, signature, indexed, topicPrefix] of EVENTS) {
    const topic = ethers.id(signature);
    if (topicPrefix) assert.equal(topic.slice(2, 18), topicPrefix, `doc/pm.md topic of ${signature}`);
    const fragment = iface(contract).getEvent(topic);
    assert.ok(fragment, `${contract} lacks event ${signature}`);
    assert.deepEqual(fragment.inputs.map((i) => i.indexed), indexed, `indexed flags of ${signature}`);
    assert.equal(fragment.anonymous, false);
  }
});

test('redeemWinningTicket calldata with 64-byte auxData and a 65-byte sig is 548 bytes', () => {
  const ticket = [ethers.ZeroAddress, ethers.ZeroAddress, 1n, 2n, 3n, ethers.ZeroHash, '0x' + '11'.repeat(64)];
  const data = iface('TicketBroker').encodeFunctionData('redeemWinningTicket', [ticket, '0x' + '22'.repeat(65), 4n]);
  assert.equal(ethers.dataLength(data), 548);
  // Head: ticket offset 0x60, sig offset 0x1a0 (doc/pm.md 4.1).
  assert.equal(BigInt(ethers.dataSlice(data, 4, 36)), 0x60n);
  assert.equal(BigInt(ethers.dataSlice(data, 36, 68)), 0x1a0n);
});
