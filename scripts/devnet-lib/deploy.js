// Deploys Baton's Livepeer-compatible test contracts on a running anvil and
// brings the chain to a state a node can work in right away:
//   contracts deployed and registered in the Controller, system unpaused,
//   short rounds, the gateway funded (deposit + reserve on the TicketBroker),
//   the orchestrator bonded, registered (transcoder + service URI) and active
//   in an initialized round.
// Writes <state-dir>/devnet.json (see README in this folder) and prints the
// Controller address on stdout. Progress goes to stderr.
//
// Usage: node deploy.js --rpc URL [--state-dir DIR] [--cache-dir DIR]
//   [--round-length N] [--orchestrator ADDR] [--orchestrator-key KEY]
//   [--service-uri URI] [--deposit ETH] [--reserve ETH] [--bond LPT]
//   [--reward-cut PPM] [--fee-share PPM] [--block-time SECONDS]
'use strict';

const fs = require('fs');
const path = require('path');
const {parseArgs} = require('util');
const {ethers} = require('ethers');
const common = require('./common');
const {compileContracts} = require('./compile');

const OPTIONS = {
  'rpc': {type: 'string'},
  'state-dir': {type: 'string', default: common.DEFAULT_STATE_DIR},
  'cache-dir': {type: 'string', default: process.env.BATON_DEVNET_CACHE || path.join(common.DEFAULT_STATE_DIR, 'cache')},
  'round-length': {type: 'string', default: '20'},
  'orchestrator': {type: 'string'},
  'orchestrator-key': {type: 'string'},
  'service-uri': {type: 'string', default: 'https://127.0.0.1:8935'},
  'deposit': {type: 'string', default: '10'},
  'reserve': {type: 'string', default: '10'},
  'bond': {type: 'string', default: '1000'},
  'reward-cut': {type: 'string', default: '100000'},
  'fee-share': {type: 'string', default: '500000'},
  'block-time': {type: 'string', default: '0'},
};

const PARAMS = {roundLockAmount: 100000n, unlockPeriod: 2n, ticketValidityPeriod: 2n, unbondingPeriod: 7n};

function log(message) {
  process.stderr.write(`devnet: ${message}\n`);
}

async function send(txPromise) {
  return (await txPromise).wait();
}

// The orchestrator's signer: an explicit key, one of anvil's dev accounts, or
// any other address through anvil's impersonation (then its key is unknown).
async function orchestratorSigner(provider, opts) {
  if (opts['orchestrator-key']) {
    const wallet = new ethers.Wallet(opts['orchestrator-key'], provider);
    await provider.send('anvil_setBalance', [wallet.address, ethers.toQuantity(ethers.parseEther('10000'))]);
    return {signer: wallet, account: {address: wallet.address, privateKey: wallet.privateKey, anvilIndex: null}};
  }
  const wanted = opts.orchestrator ? ethers.getAddress(opts.orchestrator) : null;
  for (let i = 0; i < 10; i++) {
    const wallet = common.anvilWallet(i);
    if (wanted === null ? i === common.ROLE_ACCOUNT_INDEX.orchestrator : wallet.address === wanted) {
      return {signer: wallet.connect(provider), account: {address: wallet.address, privateKey: wallet.privateKey, anvilIndex: i}};
    }
  }
  await provider.send('anvil_impersonateAccount', [wanted]);
  const balance = await provider.getBalance(wanted);
  if (balance < ethers.parseEther('100')) {
    await provider.send('anvil_setBalance', [wanted, ethers.toQuantity(ethers.parseEther('10000'))]);
  }
  return {signer: await provider.getSigner(wanted), account: {address: wanted, privateKey: null, anvilIndex: null}};
}

async function deployAll(deployer, artifacts) {
  const deployed = {};
  const deploy = async (name, args) => {
    const {abi, bytecode} = artifacts[name];
    const contract = await new ethers.ContractFactory(abi, bytecode, deployer).deploy(...args);
    await contract.waitForDeployment();
    deployed[name] = contract;
  };
  await deploy('Controller', []);
  const controllerAddress = await deployed.Controller.getAddress();
  for (const name of common.CONTRACT_NAMES) {
    await deploy(name, [controllerAddress]);
  }
  return deployed;
}

async function register(controller, deployed) {
  const registrations = common.CONTRACT_NAMES.map((name) => [name, deployed[name]]);
  registrations.push(['JobsManager', deployed.TicketBroker]);
  const addresses = {Controller: await controller.getAddress()};
  for (const [name, contract] of registrations) {
    addresses[name] = await contract.getAddress();
    await send(controller.setContractInfo(ethers.id(name), addresses[name], ethers.ZeroHash.slice(0, 42)));
  }
  return addresses;
}

async function configure(c, roundLength) {
  await send(c.Controller.unpause());
  await send(c.RoundsManager.setRoundLength(roundLength));
  await send(c.RoundsManager.setRoundLockAmount(PARAMS.roundLockAmount));
  await send(c.TicketBroker.setUnlockPeriod(PARAMS.unlockPeriod));
  await send(c.TicketBroker.setTicketValidityPeriod(PARAMS.ticketValidityPeriod));
  await send(c.BondingManager.setUnbondingPeriod(PARAMS.unbondingPeriod));
}

async function registerOrchestrator(provider, c, orch, opts, bondAmount) {
  const asOrch = (contract) => contract.connect(orch);
  await send(c.LivepeerToken.mint(await orch.getAddress(), bondAmount));
  await send(asOrch(c.LivepeerToken).approve(await c.BondingManager.getAddress(), bondAmount));
  await send(asOrch(c.BondingManager).bond(bondAmount, await orch.getAddress()));
  if (await c.RoundsManager.currentRoundLocked()) {
    // transcoder() is refused in the last blocks of a round.
    await common.advanceToNextRound(provider, c.RoundsManager);
  }
  await send(asOrch(c.BondingManager).transcoder(BigInt(opts['reward-cut']), BigInt(opts['fee-share'])));
  await send(asOrch(c.ServiceRegistry).setServiceURI(opts['service-uri']));
}

async function main() {
  const {values: opts} = parseArgs({options: OPTIONS});
  if (!opts.rpc) throw new Error('--rpc URL is required');
  const t0 = Date.now();
  const {artifacts, artifactPath, cached} = compileContracts({cacheDir: opts['cache-dir']});
  log(`contracts ${cached ? 'from cache' : 'compiled'} (${Date.now() - t0} ms)`);

  const provider = common.localProvider(opts.rpc);
  const chainId = Number((await provider.getNetwork()).chainId);
  const deployer = common.anvilWallet(common.ROLE_ACCOUNT_INDEX.deployer).connect(provider);
  const gateway = common.anvilWallet(common.ROLE_ACCOUNT_INDEX.gateway).connect(provider);
  const {signer: orch, account: orchAccount} = await orchestratorSigner(provider, opts);

  const deployed = await deployAll(deployer, artifacts);
  const addresses = await register(deployed.Controller, deployed);
  const c = common.contractsOf({contracts: addresses, artifacts: artifactPath}, deployer);
  await configure(c, BigInt(opts['round-length']));
  const firstRound = await common.advanceToNextRound(provider, c.RoundsManager);
  log(`contracts deployed and registered; round ${firstRound} initialized (${Date.now() - t0} ms)`);

  const deposit = ethers.parseEther(opts.deposit);
  const reserve = ethers.parseEther(opts.reserve);
  await send(c.TicketBroker.connect(gateway).fundDepositAndReserve(deposit, reserve, {value: deposit + reserve}));
  const bondAmount = ethers.parseEther(opts.bond);
  await registerOrchestrator(provider, c, orch, opts, bondAmount);
  const activeRound = await common.advanceToNextRound(provider, c.RoundsManager);
  if (!(await c.BondingManager.isActiveTranscoder(orchAccount.address))) {
    throw new Error(`orchestrator ${orchAccount.address} is not active in round ${activeRound}`);
  }
  log(`orchestrator ${orchAccount.address} active in round ${activeRound} (${Date.now() - t0} ms)`);

  const blockTime = Number(opts['block-time']);
  if (blockTime > 0) {
    await provider.send('evm_setIntervalMining', [blockTime]);
  }

  const account = (wallet, role) => ({
    address: wallet.address,
    privateKey: wallet.privateKey,
    anvilIndex: common.ROLE_ACCOUNT_INDEX[role],
  });
  const devnet = {
    rpcUrl: opts.rpc,
    chainId,
    controller: addresses.Controller,
    contracts: addresses,
    accounts: {
      orchestrator: orchAccount,
      gateway: account(gateway, 'gateway'),
      deployer: account(deployer, 'deployer'),
    },
    params: {
      roundLength: Number(opts['round-length']),
      roundLockAmount: Number(PARAMS.roundLockAmount),
      unlockPeriod: Number(PARAMS.unlockPeriod),
      ticketValidityPeriod: Number(PARAMS.ticketValidityPeriod),
      unbondingPeriod: Number(PARAMS.unbondingPeriod),
      blockTime,
      deposit: deposit.toString(),
      reserve: reserve.toString(),
      bond: bondAmount.toString(),
      rewardCut: Number(opts['reward-cut']),
      feeShare: Number(opts['fee-share']),
      serviceURI: opts['service-uri'],
    },
    activeRound: Number(activeRound),
    artifacts: artifactPath,
  };
  fs.mkdirSync(opts['state-dir'], {recursive: true});
  const file = common.devnetFile(opts['state-dir']);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(devnet, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
  process.stdout.write(`${addresses.Controller}\n`);
}

main().catch((err) => {
  log(`deploy failed: ${err.shortMessage || err.message}`);
  process.exit(1);
});
