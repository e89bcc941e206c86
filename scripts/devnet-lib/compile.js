// Compiles the devnet's Solidity contracts (contracts/*.sol) with solc-js and
// caches the result, keyed by a hash of the sources and the compiler version,
// so that restarting a devnet does not recompile.
//
// compileContracts({cacheDir}) -> {ContractName: {abi, bytecode}}
// Run directly (`node compile.js [cacheDir]`) it prints the artifact path.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const CONTRACTS_DIR = path.resolve(__dirname, '../../contracts');

function readSources() {
  const sources = {};
  for (const file of fs.readdirSync(CONTRACTS_DIR).sort()) {
    if (file.endsWith('.sol')) {
      sources[file] = {content: fs.readFileSync(path.join(CONTRACTS_DIR, file), 'utf8')};
    }
  }
  return sources;
}

function standardInput(sources) {
  return {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: {enabled: true, runs: 200},
      // Keeps anvil's default hardfork happy and avoids PUSH0 surprises elsewhere.
      evmVersion: 'paris',
      outputSelection: {'*': {'*': ['abi', 'evm.bytecode.object']}},
    },
  };
}

function runSolc(input) {
  const solc = require('solc');
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error('solc failed:\n' + errors.map((e) => e.formattedMessage).join('\n'));
  }
  const artifacts = {};
  for (const file of Object.keys(output.contracts)) {
    for (const [name, c] of Object.entries(output.contracts[file])) {
      if (c.evm.bytecode.object.length > 0) {
        artifacts[name] = {abi: c.abi, bytecode: '0x' + c.evm.bytecode.object};
      } else {
        artifacts[name] = {abi: c.abi, bytecode: '0x'};
      }
    }
  }
  return {solcVersion: solc.version(), artifacts};
}

function sourcesKey(input) {
  const solcPackage = require('solc/package.json');
  return crypto.createHash('sha256').update(solcPackage.version).update(JSON.stringify(input)).digest('hex').slice(0, 16);
}

// Returns {artifacts, artifactPath, cached}.
function compileContracts({cacheDir}) {
  const input = standardInput(readSources());
  const artifactPath = path.join(cacheDir, `contracts-${sourcesKey(input)}.json`);
  if (fs.existsSync(artifactPath)) {
    return {artifacts: JSON.parse(fs.readFileSync(artifactPath, 'utf8')).artifacts, artifactPath, cached: true};
  }
  const result = runSolc(input);
  fs.mkdirSync(cacheDir, {recursive: true});
  const tmp = `${artifactPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(result));
  fs.renameSync(tmp, artifactPath);
  return {artifacts: result.artifacts, artifactPath, cached: false};
}

module.exports = {compileContracts, CONTRACTS_DIR};

if (require.main === module) {
  const cacheDir = process.argv[2] || path.resolve(__dirname, '../../build/devnet-cache');
  const t0 = Date.now();
  const {artifactPath, cached} = compileContracts({cacheDir});
  console.error(`${cached ? 'cached' : 'compiled'} in ${Date.now() - t0} ms`);
  console.log(artifactPath);
}
