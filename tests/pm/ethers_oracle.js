// Independent oracle for Baton's crypto and ticket code: reads a JSON request file (argv[2])
// written by ethers_crosscheck_test.cc and prints ethers' answers as JSON on stdout.
//   keccak:    [{data}]                      -> keccak256
//   checksum:  [{address}]                   -> EIP-55 form
//   sign:      [{key, digest}]               -> personal-sign signature and recovered address
//   tickets:   [{recipient, sender, faceValue, winProb, nonce, randHash, aux}] -> ticket hash
//   make_payment: {key, params, count}       -> ethers-signed tickets for Baton's Recipient
'use strict';
const fs = require('fs');
const { ethers } = require('ethers');

const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

function ticketHash(t) {
  return ethers.solidityPackedKeccak256(
    ['address', 'address', 'uint256', 'uint256', 'uint256', 'bytes32', 'bytes'],
    [t.recipient, t.sender, BigInt(t.faceValue), BigInt(t.winProb), BigInt(t.nonce), t.randHash,
     t.aux]);
}

const out = {};
out.keccak = (req.keccak || []).map((x) => ethers.keccak256(x.data));
out.checksum = (req.checksum || []).map((x) => ethers.getAddress(x.address));
out.sign = (req.sign || []).map((x) => {
  const wallet = new ethers.Wallet(x.key);
  const sig = wallet.signMessageSync(ethers.getBytes(x.digest));
  return { address: wallet.address, sig,
           recovered: ethers.verifyMessage(ethers.getBytes(x.digest), sig) };
});
out.tickets = (req.tickets || []).map(ticketHash);
if (req.make_payment) {
  const m = req.make_payment;
  const wallet = new ethers.Wallet(m.key);
  out.make_payment = [];
  for (let nonce = 1; nonce <= m.count; nonce++) {
    const hash = ticketHash({ ...m.params, sender: wallet.address, nonce });
    out.make_payment.push({ nonce, sig: wallet.signMessageSync(ethers.getBytes(hash)) });
  }
}
process.stdout.write(JSON.stringify(out));
