// SPDX-License-Identifier: MIT
// Baton devnet: the Minter. It holds the ETH of every ticket sender's deposit
// and reserve (and so every orchestrator's uncollected fees) and the bonded
// LPT, and mints a fixed LPT reward per round. Same access rules and revert
// strings as Livepeer's for the calls the other contracts make; inflation is
// replaced by a fixed per-round amount (setRewardPerRound).
pragma solidity ^0.8.9;

import "./Manager.sol";

interface IMintableToken {
    function mint(address _to, uint256 _amount) external;

    function transfer(address _to, uint256 _amount) external returns (bool);

    function totalSupply() external view returns (uint256);
}

contract Minter is Manager {
    uint256 public rewardPerRound = 1000 ether;
    uint256 public currentMintableTokens;
    uint256 public currentMintedTokens;
    // Inflation is not modelled (rewardPerRound replaces it); these read as 0.
    uint256 public inflation;
    uint256 public inflationChange;
    uint256 public targetBondingRate;

    event SetCurrentRewardTokens(uint256 currentMintableTokens, uint256 currentInflation);

    constructor(address _controller) Manager(_controller) {}

    modifier onlyBondingManager() {
        require(msg.sender == contractNamed("BondingManager"), "msg.sender not BondingManager");
        _;
    }

    modifier onlyRoundsManager() {
        require(msg.sender == contractNamed("RoundsManager"), "msg.sender not RoundsManager");
        _;
    }

    modifier onlyBondingManagerOrJobsManager() {
        require(
            msg.sender == contractNamed("BondingManager") || msg.sender == contractNamed("JobsManager"),
            "msg.sender not BondingManager or JobsManager"
        );
        _;
    }

    // Livepeer registers the TicketBroker under "JobsManager" too, which is
    // what lets it deposit and withdraw ETH here.
    modifier onlyMinterOrJobsManager() {
        require(
            msg.sender == contractNamed("Minter") || msg.sender == contractNamed("JobsManager"),
            "msg.sender not Minter or JobsManager"
        );
        _;
    }

    function setRewardPerRound(uint256 _amount) external onlyControllerOwner {
        rewardPerRound = _amount;
        emit ParameterUpdate("rewardPerRound");
    }

    function createReward(uint256 _fracNum, uint256 _fracDenom)
        external
        onlyBondingManager
        whenSystemNotPaused
        returns (uint256)
    {
        uint256 mintAmount = (currentMintableTokens * _fracNum) / _fracDenom;
        currentMintedTokens += mintAmount;
        require(currentMintedTokens <= currentMintableTokens, "minted tokens cannot exceed mintable tokens");
        IMintableToken(contractNamed("LivepeerToken")).mint(address(this), mintAmount);
        return mintAmount;
    }

    function trustedTransferTokens(address _to, uint256 _amount) external onlyBondingManager whenSystemNotPaused {
        IMintableToken(contractNamed("LivepeerToken")).transfer(_to, _amount);
    }

    function trustedWithdrawETH(address payable _to, uint256 _amount)
        external
        onlyBondingManagerOrJobsManager
        whenSystemNotPaused
    {
        _to.transfer(_amount);
    }

    function depositETH() external payable onlyMinterOrJobsManager returns (bool) {
        return true;
    }

    function setCurrentRewardTokens() external onlyRoundsManager whenSystemNotPaused {
        currentMintableTokens = rewardPerRound;
        currentMintedTokens = 0;
        emit SetCurrentRewardTokens(currentMintableTokens, 0);
    }

    function getGlobalTotalSupply() external view returns (uint256) {
        return IMintableToken(contractNamed("LivepeerToken")).totalSupply();
    }

    function getController() external view returns (address) {
        return address(controller);
    }
}
