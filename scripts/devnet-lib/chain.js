// A small CLI over a running devnet, for tests and the demo. Reads
// <state-dir>/devnet.json; prints JSON (amounts in wei, as decimal strings).
//
// node chain.js [--state-dir DIR] <command> [args]
//   info                      the devnet description
//   round                     block number, current/last initialized round, locked, block hash
//   mine N                    mine N empty blocks
//   next-round                mine to the next round and initialize it
//   init-round                initialize the current round if it is not yet
//   fees [ADDR]               an orchestrator's pendingFees, cumulativeFees, ETH balance
//   sender [ADDR]             a sender's deposit, withdrawRound, reserve, claimed this round
//   fund DEPOSIT RESERVE      the gateway adds DEPOSIT and RESERVE ETH to its TicketBroker funds
//   withdraw-fees [WEI]       the orchestrator withdraws its fees (default: all) to itself
//   reward                    the orchestrator calls reward() for the current round
//   gas-price WEI             sets the base fee to WEI (one block is mined to carry it);
//                             EIP-1559 then lowers it by 1/8 per empty block
// ADDR defaults to the orchestrator (fees) or the gateway (sender).
'use strict';

const {parseArgs} = require('util');
const {ethers} = require('ethers');
const common = require('./common');

function jsonOut(value) {
  process.stdout.write(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

async function roundState(provider, c) {
  const current = await c.RoundsManager.currentRound();
  return {
    block: await provider.getBlockNumber(),
    currentRound: current,
    lastInitializedRound: await c.RoundsManager.lastInitializedRound(),
    initialized: await c.RoundsManager.currentRoundInitialized(),
    locked: await c.RoundsManager.currentRoundLocked(),
    roundLength: await c.RoundsManager.roundLength(),
    currentRoundStartBlock: await c.RoundsManager.currentRoundStartBlock(),
    blockHashForRound: await c.RoundsManager.blockHashForRound(current),
  };
}

async function fees(provider, c, address) {
  const t = await c.BondingManager.getTranscoder(address);
  const d = await c.BondingManager.getDelegator(address);
  return {
    address,
    pendingFees: await c.BondingManager.pendingFees(address, await c.RoundsManager.currentRound()),
    cumulativeFees: t.cumulativeFees,
    lastFeeRound: t.lastFeeRound,
    delegatorFees: d.fees,
    ethBalance: await provider.getBalance(address),
    active: await c.BondingManager.isActiveTranscoder(address),
  };
}

async function senderInfo(c, address) {
  const [sender, reserve] = await c.TicketBroker.getSenderInfo(address);
  return {
    address,
    deposit: sender.deposit,
    withdrawRound: sender.withdrawRound,
    reserve: reserve.fundsRemaining,
    claimedInCurrentRound: reserve.claimedInCurrentRound,
  };
}

async function setGasPrice(provider, wei) {
  const quantity = ethers.toQuantity(BigInt(wei));
  await provider.send('anvil_setNextBlockBaseFeePerGas', [quantity]);
  let minGasPriceSet = true;
  try {
    await provider.send('anvil_setMinGasPrice', [quantity]);
  } catch (err) {
    minGasPriceSet = false;  // anvil refuses it while EIP-1559 is on; the base fee is what counts.
  }
  // Mine one block so that the head carries the new base fee: clients derive
  // their fee caps (and eth_gasPrice) from the head, not from the next block.
  await provider.send('anvil_mine', ['0x1']);
  const head = await provider.getBlock('latest');
  return {headBaseFeePerGas: head.baseFeePerGas, gasPrice: BigInt(await provider.send('eth_gasPrice', [])), minGasPriceSet};
}

function signerFor(devnet, role, provider) {
  const account = devnet.accounts[role];
  if (account.privateKey) return new ethers.Wallet(account.privateKey, provider);
  return provider.getSigner(account.address);  // impersonated by deploy.js
}

async function run(command, args, devnet) {
  const provider = common.localProvider(devnet.rpcUrl, devnet.chainId);
  const c = common.contractsOf(devnet, signerFor(devnet, 'deployer', provider));
  switch (command) {
    case 'info':
      return devnet;
    case 'round':
      return roundState(provider, c);
    case 'mine':
      await provider.send('anvil_mine', [ethers.toQuantity(BigInt(args[0] || 1))]);
      return roundState(provider, c);
    case 'next-round':
      await common.advanceToNextRound(provider, c.RoundsManager);
      return roundState(provider, c);
    case 'init-round':
      if (!(await c.RoundsManager.currentRoundInitialized())) {
        await (await c.RoundsManager.initializeRound()).wait();
      }
      return roundState(provider, c);
    case 'fees':
      return fees(provider, c, ethers.getAddress(args[0] || devnet.accounts.orchestrator.address));
    case 'sender':
      return senderInfo(c, ethers.getAddress(args[0] || devnet.accounts.gateway.address));
    case 'fund': {
      const deposit = ethers.parseEther(args[0] || '0');
      const reserve = ethers.parseEther(args[1] || '0');
      const gateway = await signerFor(devnet, 'gateway', provider);
      const tx = await c.TicketBroker.connect(gateway).fundDepositAndReserve(deposit, reserve, {value: deposit + reserve});
      await tx.wait();
      return senderInfo(c, await gateway.getAddress());
    }
    case 'withdraw-fees': {
      const orch = await signerFor(devnet, 'orchestrator', provider);
      const address = await orch.getAddress();
      const amount = args[0] ? BigInt(args[0]) : await c.BondingManager.pendingFees(address, 0);
      await (await c.BondingManager.connect(orch).withdrawFees(address, amount)).wait();
      return {withdrawn: amount, ...(await fees(provider, c, address))};
    }
    case 'reward': {
      const orch = await signerFor(devnet, 'orchestrator', provider);
      const receipt = await (await c.BondingManager.connect(orch).reward()).wait();
      const event = receipt.logs.map((l) => c.BondingManager.interface.parseLog(l)).find((e) => e && e.name === 'Reward');
      return {transcoder: await orch.getAddress(), reward: event ? event.args.amount : 0n};
    }
    case 'gas-price':
      if (!args[0]) throw new Error('gas-price needs a value in wei');
      return setGasPrice(provider, args[0]);
    default:
      throw new Error(`unknown command "${command}" (see the header of chain.js)`);
  }
}

async function main() {
  const {values, positionals} = parseArgs({
    options: {'state-dir': {type: 'string', default: common.DEFAULT_STATE_DIR}},
    allowPositionals: true,
  });
  const [command, ...args] = positionals;
  if (!command) throw new Error('usage: node chain.js [--state-dir DIR] <command> [args]');
  jsonOut(await run(command, args, common.loadDevnet(values['state-dir'])));
}

main().catch((err) => {
  process.stderr.write(`chain: ${err.shortMessage || err.message}\n`);
  process.exit(1);
});
