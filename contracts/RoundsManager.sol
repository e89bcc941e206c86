// SPDX-License-Identifier: MIT
// Baton devnet: the RoundsManager. Rounds are counted in blocks of
// roundLength; initializeRound() records blockhash(block.number - 1) for the
// current round, tells the BondingManager and the Minter, and emits NewRound.
// Same ABI, event and revert strings as Livepeer's.
pragma solidity ^0.8.9;

import "./Manager.sol";

interface IRoundListenerBondingManager {
    function setCurrentRoundTotalActiveStake() external;
}

interface IRoundListenerMinter {
    function setCurrentRewardTokens() external;
}

contract RoundsManager is Manager {
    uint256 private constant PERC_DIVISOR = 1000000;

    uint256 public roundLength;
    uint256 public roundLockAmount;
    uint256 public lastInitializedRound;
    uint256 public lastRoundLengthUpdateRound;
    uint256 public lastRoundLengthUpdateStartBlock;
    mapping(uint256 => bytes32) private _blockHashForRound;

    event NewRound(uint256 indexed round, bytes32 blockHash);

    constructor(address _controller) Manager(_controller) {}

    function setRoundLength(uint256 _roundLength) external onlyControllerOwner {
        require(_roundLength > 0, "round length cannot be 0");
        if (roundLength == 0) {
            // First setting: round 0 started at block 0.
            roundLength = _roundLength;
        }
        // Anchor the new length at the current round so round numbers never go back.
        lastRoundLengthUpdateRound = currentRound();
        lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
        roundLength = _roundLength;
        emit ParameterUpdate("roundLength");
    }

    function setRoundLockAmount(uint256 _roundLockAmount) external onlyControllerOwner {
        require(_roundLockAmount <= PERC_DIVISOR, "round lock amount must be a valid percentage");
        roundLockAmount = _roundLockAmount;
        emit ParameterUpdate("roundLockAmount");
    }

    function initializeRound() external whenSystemNotPaused {
        uint256 currRound = currentRound();
        require(lastInitializedRound < currRound, "round already initialized");

        lastInitializedRound = currRound;
        bytes32 roundBlockHash = blockHash(blockNum() - 1);
        _blockHashForRound[currRound] = roundBlockHash;
        IRoundListenerBondingManager(contractNamed("BondingManager")).setCurrentRoundTotalActiveStake();
        IRoundListenerMinter(contractNamed("Minter")).setCurrentRewardTokens();

        emit NewRound(currRound, roundBlockHash);
    }

    function blockNum() public view returns (uint256) {
        return block.number;
    }

    function blockHash(uint256 _block) public view returns (bytes32) {
        uint256 currentBlock = blockNum();
        require(_block < currentBlock, "can only retrieve past block hashes");
        require(currentBlock < 256 || _block >= currentBlock - 256, "can only retrieve hashes for last 256 blocks");
        return blockhash(_block);
    }

    function blockHashForRound(uint256 _round) public view returns (bytes32) {
        return _blockHashForRound[_round];
    }

    function currentRound() public view returns (uint256) {
        uint256 roundsSinceUpdate = (blockNum() - lastRoundLengthUpdateStartBlock) / roundLength;
        return lastRoundLengthUpdateRound + roundsSinceUpdate;
    }

    function currentRoundStartBlock() public view returns (uint256) {
        uint256 roundsSinceUpdate = (blockNum() - lastRoundLengthUpdateStartBlock) / roundLength;
        return lastRoundLengthUpdateStartBlock + roundsSinceUpdate * roundLength;
    }

    function currentRoundInitialized() public view returns (bool) {
        return lastInitializedRound == currentRound();
    }

    function currentRoundLocked() public view returns (bool) {
        uint256 lockedBlocks = (roundLength * roundLockAmount) / PERC_DIVISOR;
        return blockNum() - currentRoundStartBlock() >= roundLength - lockedBlocks;
    }
}
