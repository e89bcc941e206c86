// SPDX-License-Identifier: MIT
// Baton devnet: recovery of a ticket sender's personal-sign signature with the
// exact checks and revert strings of the ECDSA library the deployed
// TicketBroker uses (OpenZeppelin 4.4.1): s must be in the lower half order,
// v must be 27 or 28, and ecrecover must not return the zero address.
// Written from those documented rules; no third-party code.
pragma solidity ^0.8.9;

library TicketSignature {
    // secp256k1n / 2: the largest s a canonical (EIP-2) signature may carry.
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    // REQUIRES: _sig.length == 65 (the caller checks it with its own message).
    function recoverPersonalSigner(bytes32 _hash, bytes memory _sig) internal pure returns (address) {
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", _hash));
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(_sig, 0x20))
            s := mload(add(_sig, 0x40))
            v := byte(0, mload(add(_sig, 0x60)))
        }
        require(uint256(s) <= HALF_ORDER, "ECDSA: invalid signature 's' value");
        require(v == 27 || v == 28, "ECDSA: invalid signature 'v' value");
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0), "ECDSA: invalid signature");
        return signer;
    }
}
