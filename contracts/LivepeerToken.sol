// SPDX-License-Identifier: MIT
// Baton devnet: a plain ERC-20 standing in for the Livepeer Token (LPT), used
// for bonding. The Controller owner (the devnet deployer) and the registered
// Minter may mint; everything else is ordinary ERC-20.
pragma solidity ^0.8.9;

import "./Manager.sol";

contract LivepeerToken is Manager {
    string public constant name = "Livepeer Token";
    string public constant symbol = "LPT";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event Mint(address indexed to, uint256 amount);
    event Burn(address indexed burner, uint256 value);

    constructor(address _controller) Manager(_controller) {}

    function mint(address _to, uint256 _amount) external {
        require(
            msg.sender == controller.owner() || msg.sender == contractNamed("Minter"),
            "caller must be Controller owner or Minter"
        );
        totalSupply += _amount;
        balanceOf[_to] += _amount;
        emit Mint(_to, _amount);
        emit Transfer(address(0), _to, _amount);
    }

    function burn(uint256 _amount) external {
        require(balanceOf[msg.sender] >= _amount, "ERC20: burn amount exceeds balance");
        balanceOf[msg.sender] -= _amount;
        totalSupply -= _amount;
        emit Burn(msg.sender, _amount);
        emit Transfer(msg.sender, address(0), _amount);
    }

    function approve(address _spender, uint256 _amount) external returns (bool) {
        allowance[msg.sender][_spender] = _amount;
        emit Approval(msg.sender, _spender, _amount);
        return true;
    }

    function transfer(address _to, uint256 _amount) external returns (bool) {
        moveTokens(msg.sender, _to, _amount);
        return true;
    }

    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool) {
        uint256 allowed = allowance[_from][msg.sender];
        require(allowed >= _amount, "ERC20: insufficient allowance");
        allowance[_from][msg.sender] = allowed - _amount;
        moveTokens(_from, _to, _amount);
        return true;
    }

    function moveTokens(address _from, address _to, uint256 _amount) private {
        require(_to != address(0), "ERC20: transfer to the zero address");
        require(balanceOf[_from] >= _amount, "ERC20: transfer amount exceeds balance");
        balanceOf[_from] -= _amount;
        balanceOf[_to] += _amount;
        emit Transfer(_from, _to, _amount);
    }
}
