// SPDX-License-Identifier: MIT
// Baton devnet: the Controller, the registry every other Livepeer contract is
// resolved through (getContract(keccak256(name))). Same ABI, events and
// behaviour as Livepeer's: it starts paused and only its owner may register
// contracts, pause or unpause.
pragma solidity ^0.8.9;

interface IManagedContract {
    function setController(address _controller) external;
}

contract Controller {
    struct ContractInfo {
        address contractAddress;
        bytes20 gitCommitHash;
    }

    address public owner;
    bool public paused;
    mapping(bytes32 => ContractInfo) private registry;

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event Pause();
    event Unpause();
    event SetContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash);

    // Livepeer's Ownable/Pausable revert without a message; so do we.
    modifier onlyOwner() {
        require(msg.sender == owner);
        _;
    }

    constructor() {
        owner = msg.sender;
        // The system starts paused until its contracts are registered.
        paused = true;
    }

    function transferOwnership(address newOwner) public onlyOwner {
        require(newOwner != address(0));
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function pause() public onlyOwner {
        require(!paused);
        paused = true;
        emit Pause();
    }

    function unpause() public onlyOwner {
        require(paused);
        paused = false;
        emit Unpause();
    }

    function setContractInfo(bytes32 _id, address _contractAddress, bytes20 _gitCommitHash) external onlyOwner {
        registry[_id] = ContractInfo(_contractAddress, _gitCommitHash);
        emit SetContractInfo(_id, _contractAddress, _gitCommitHash);
    }

    function updateController(bytes32 _id, address _controller) external onlyOwner {
        IManagedContract(registry[_id].contractAddress).setController(_controller);
    }

    function getContractInfo(bytes32 _id) public view returns (address, bytes20) {
        ContractInfo storage info = registry[_id];
        return (info.contractAddress, info.gitCommitHash);
    }

    function getContract(bytes32 _id) public view returns (address) {
        return registry[_id].contractAddress;
    }
}
