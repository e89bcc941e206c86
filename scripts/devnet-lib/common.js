// Shared pieces of the devnet helpers: the account conventions, the names the
// contracts are registered under, an ethers provider tuned for a local anvil,
// and loading the devnet description (devnet.json) written by deploy.js.
//
// Account conventions (anvil's well-known dev mnemonic):
//   #0 orchestrator (recipient of tickets), #1 gateway (ticket sender),
//   #9 deployer = Controller owner. Their keys are in devnet.json too.
'use strict';

const fs = require('fs');
const path = require('path');
const {ethers} = require('ethers');

const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
const ROLE_ACCOUNT_INDEX = {orchestrator: 0, gateway: 1, deployer: 9};
const REPO_ROOT = path.resolve(__dirname, '../..');
const DEFAULT_STATE_DIR = path.join(REPO_ROOT, 'build-devnet');

// Names as registered in the Controller (id = keccak256(name)). Livepeer also
// registers the TicketBroker as "JobsManager": the Minter only accepts ETH
// deposits and withdrawals from a contract registered under that name.
const CONTRACT_NAMES = [
  'TicketBroker',
  'BondingManager',
  'RoundsManager',
  'ServiceRegistry',
  'Minter',
  'LivepeerToken',
];

function anvilWallet(index) {
  return ethers.HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
}

// An ethers provider that neither probes the network nor waits seconds
// between receipt polls: anvil mines instantly.
function localProvider(rpcUrl, chainId = 31337) {
  const provider = new ethers.JsonRpcProvider(rpcUrl, chainId, {staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1});
  provider.pollingInterval = 25;
  return provider;
}

function devnetFile(stateDir) {
  return path.join(stateDir || DEFAULT_STATE_DIR, 'devnet.json');
}

function loadDevnet(stateDir) {
  const file = devnetFile(stateDir);
  if (!fs.existsSync(file)) {
    throw new Error(`no devnet description at ${file}: run scripts/devnet start first`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadArtifacts(devnet) {
  return JSON.parse(fs.readFileSync(devnet.artifacts, 'utf8')).artifacts;
}

// Contract handles of a running devnet, connected to `runner` (a provider or signer).
function contractsOf(devnet, runner) {
  const artifacts = loadArtifacts(devnet);
  const handles = {};
  for (const [name, address] of Object.entries(devnet.contracts)) {
    const artifactName = name === 'JobsManager' ? 'TicketBroker' : name;
    handles[name] = new ethers.Contract(address, artifacts[artifactName].abi, runner);
  }
  return handles;
}

// Mines empty blocks until the next round starts, then initializes it.
// Returns the new round number.
async function advanceToNextRound(provider, roundsManager) {
  const roundLength = await roundsManager.roundLength();
  const startBlock = await roundsManager.currentRoundStartBlock();
  const head = BigInt(await provider.getBlockNumber());
  const blocksToMine = startBlock + roundLength - head;
  if (blocksToMine > 0n) {
    await provider.send('anvil_mine', [ethers.toQuantity(blocksToMine)]);
  }
  await (await roundsManager.initializeRound()).wait();
  return roundsManager.currentRound();
}

module.exports = {
  ANVIL_MNEMONIC,
  ROLE_ACCOUNT_INDEX,
  REPO_ROOT,
  DEFAULT_STATE_DIR,
  CONTRACT_NAMES,
  anvilWallet,
  localProvider,
  devnetFile,
  loadDevnet,
  loadArtifacts,
  contractsOf,
  advanceToNextRound,
};
