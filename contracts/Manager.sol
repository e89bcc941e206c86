// SPDX-License-Identifier: MIT
// Baton devnet: the base of every managed contract. It remembers the
// Controller, resolves sibling contracts by name through it and provides the
// access modifiers with Livepeer's revert strings.
pragma solidity ^0.8.9;

interface IController {
    function owner() external view returns (address);

    function paused() external view returns (bool);

    function getContract(bytes32 _id) external view returns (address);
}

abstract contract Manager {
    IController public controller;

    event SetController(address controller);
    event ParameterUpdate(string param);

    constructor(address _controller) {
        controller = IController(_controller);
    }

    modifier onlyController() {
        require(msg.sender == address(controller), "caller must be Controller");
        _;
    }

    modifier onlyControllerOwner() {
        require(msg.sender == controller.owner(), "caller must be Controller owner");
        _;
    }

    modifier whenSystemNotPaused() {
        require(!controller.paused(), "system is paused");
        _;
    }

    function setController(address _controller) external onlyController {
        controller = IController(_controller);
        emit SetController(_controller);
    }

    function contractNamed(string memory _name) internal view returns (address) {
        return controller.getContract(keccak256(bytes(_name)));
    }
}
