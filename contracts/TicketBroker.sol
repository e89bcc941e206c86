// SPDX-License-Identifier: MIT
// Baton devnet: the TicketBroker of Livepeer's probabilistic micropayments.
// Senders fund a deposit and a reserve (the ETH goes to the Minter);
// recipients redeem winning tickets, which are checked in the same order and
// with the same revert strings as Livepeer's (doc/pm.md 4.3), paid from the
// deposit and then from the recipient's share of the reserve, and credited
// as fees through BondingManager.updateTranscoderWithFees. Same ABI and events.
pragma solidity ^0.8.9;

import "./Manager.sol";
import "./TicketSignature.sol";

interface IRoundsView {
    function currentRound() external view returns (uint256);

    function currentRoundInitialized() external view returns (bool);

    function blockHashForRound(uint256 _round) external view returns (bytes32);
}

interface IFeeBondingManager {
    function updateTranscoderWithFees(address _transcoder, uint256 _fees, uint256 _round) external;

    function isActiveTranscoder(address _transcoder) external view returns (bool);

    function getTranscoderPoolSize() external view returns (uint256);
}

interface IEthMinter {
    function depositETH() external payable returns (bool);

    function trustedWithdrawETH(address payable _to, uint256 _amount) external;
}

contract TicketBroker is Manager {
    struct Ticket {
        address recipient;
        address sender;
        uint256 faceValue;
        uint256 winProb;
        uint256 senderNonce;
        bytes32 recipientRandHash;
        bytes auxData;
    }

    struct Sender {
        uint256 deposit;
        uint256 withdrawRound;
    }

    struct ReserveInfo {
        uint256 fundsRemaining;
        uint256 claimedInCurrentRound;
    }

    struct Reserve {
        uint256 funds;
        mapping(uint256 => uint256) claimedForRound;
        mapping(uint256 => mapping(address => uint256)) claimedByAddress;
    }

    uint256 public unlockPeriod;
    uint256 public ticketValidityPeriod;
    mapping(bytes32 => bool) public usedTickets;
    mapping(address => Sender) internal senders;
    mapping(address => Reserve) internal reserves;

    event DepositFunded(address indexed sender, uint256 amount);
    event ReserveFunded(address indexed reserveHolder, uint256 amount);
    event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount);
    event WinningTicketRedeemed(
        address indexed sender,
        address indexed recipient,
        uint256 faceValue,
        uint256 winProb,
        uint256 senderNonce,
        uint256 recipientRand,
        bytes auxData
    );
    event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount);
    event Unlock(address indexed sender, uint256 startRound, uint256 endRound);
    event UnlockCancelled(address indexed sender);
    event Withdrawal(address indexed sender, uint256 deposit, uint256 reserve);

    constructor(address _controller) Manager(_controller) {}

    modifier currentRoundInitialized() {
        require(roundsManager().currentRoundInitialized(), "current round is not initialized");
        _;
    }

    // ---- Parameters (Controller owner) ----

    function setUnlockPeriod(uint256 _unlockPeriod) external onlyControllerOwner {
        unlockPeriod = _unlockPeriod;
        emit ParameterUpdate("unlockPeriod");
    }

    function setTicketValidityPeriod(uint256 _ticketValidityPeriod) external onlyControllerOwner {
        require(_ticketValidityPeriod > 0, "ticketValidityPeriod must be greater than 0");
        ticketValidityPeriod = _ticketValidityPeriod;
        emit ParameterUpdate("ticketValidityPeriod");
    }

    // ---- Funding ----

    function fundDeposit() external payable whenSystemNotPaused {
        addDeposit(msg.sender, msg.value);
        IEthMinter(contractNamed("Minter")).depositETH{value: msg.value}();
    }

    function fundReserve() external payable whenSystemNotPaused {
        addReserve(msg.sender, msg.value);
        IEthMinter(contractNamed("Minter")).depositETH{value: msg.value}();
    }

    function fundDepositAndReserve(uint256 _depositAmount, uint256 _reserveAmount) external payable {
        fundDepositAndReserveFor(msg.sender, _depositAmount, _reserveAmount);
    }

    function fundDepositAndReserveFor(address _addr, uint256 _depositAmount, uint256 _reserveAmount)
        public
        payable
        whenSystemNotPaused
    {
        require(
            msg.value == _depositAmount + _reserveAmount,
            "msg.value does not equal sum of deposit amount and reserve amount"
        );
        // Livepeer's modifiers emit ReserveFunded before DepositFunded here.
        senders[_addr].deposit += _depositAmount;
        cancelUnlockIfSelfFunded(_addr);
        addReserve(_addr, _reserveAmount);
        emit DepositFunded(_addr, _depositAmount);
        IEthMinter(contractNamed("Minter")).depositETH{value: msg.value}();
    }

    // ---- Redemption ----

    function redeemWinningTicket(Ticket memory _ticket, bytes memory _sig, uint256 _recipientRand)
        public
        whenSystemNotPaused
        currentRoundInitialized
    {
        bytes32 ticketHash = getTicketHash(_ticket);
        requireValidWinningTicket(_ticket, ticketHash, _sig, _recipientRand);

        Sender storage sender = senders[_ticket.sender];
        require(isLocked(sender), "sender is unlocked");
        require(sender.deposit > 0 || reserves[_ticket.sender].funds > 0, "sender deposit and reserve are zero");

        usedTickets[ticketHash] = true;

        uint256 amountToTransfer;
        if (_ticket.faceValue > sender.deposit) {
            uint256 fromReserve = claimFromReserve(_ticket.sender, _ticket.recipient, _ticket.faceValue - sender.deposit);
            amountToTransfer = sender.deposit + fromReserve;
            sender.deposit = 0;
        } else {
            amountToTransfer = _ticket.faceValue;
            sender.deposit -= _ticket.faceValue;
        }

        if (amountToTransfer > 0) {
            (uint256 creationRound, ) = creationRoundAndBlockHash(_ticket.auxData);
            bondingManager().updateTranscoderWithFees(_ticket.recipient, amountToTransfer, creationRound);
            emit WinningTicketTransfer(_ticket.sender, _ticket.recipient, amountToTransfer);
        }

        emit WinningTicketRedeemed(
            _ticket.sender,
            _ticket.recipient,
            _ticket.faceValue,
            _ticket.winProb,
            _ticket.senderNonce,
            _recipientRand,
            _ticket.auxData
        );
    }

    // Each ticket runs as a self-call so that one failure does not undo the others.
    function batchRedeemWinningTickets(Ticket[] memory _tickets, bytes[] memory _sigs, uint256[] memory _recipientRands)
        public
        whenSystemNotPaused
        currentRoundInitialized
    {
        for (uint256 i = 0; i < _tickets.length; i++) {
            (bool success, ) = address(this).call(
                abi.encodeWithSelector(this.redeemWinningTicket.selector, _tickets[i], _sigs[i], _recipientRands[i])
            );
            success; // failures are swallowed on purpose
        }
    }

    // ---- Unlock and withdrawal ----

    function unlock() public whenSystemNotPaused {
        Sender storage sender = senders[msg.sender];
        require(sender.deposit > 0 || reserves[msg.sender].funds > 0, "sender deposit and reserve are zero");
        require(sender.withdrawRound == 0, "unlock already initiated");
        uint256 currentRound = roundsManager().currentRound();
        sender.withdrawRound = currentRound + unlockPeriod;
        emit Unlock(msg.sender, currentRound, sender.withdrawRound);
    }

    function cancelUnlock() public whenSystemNotPaused {
        cancelUnlockOf(msg.sender);
    }

    function withdraw() public whenSystemNotPaused {
        Sender storage sender = senders[msg.sender];
        uint256 deposit = sender.deposit;
        uint256 reserve = reserves[msg.sender].funds;
        require(deposit > 0 || reserve > 0, "sender deposit and reserve are zero");
        require(sender.withdrawRound > 0, "no unlock request in progress");
        require(!isLocked(sender), "account is locked");

        sender.deposit = 0;
        reserves[msg.sender].funds = 0;
        IEthMinter(contractNamed("Minter")).trustedWithdrawETH(payable(msg.sender), deposit + reserve);
        emit Withdrawal(msg.sender, deposit, reserve);
    }

    // ---- Views ----

    function isUnlockInProgress(address _sender) public view returns (bool) {
        return senders[_sender].withdrawRound > 0;
    }

    function getSenderInfo(address _sender) public view returns (Sender memory sender, ReserveInfo memory reserve) {
        sender = senders[_sender];
        reserve = getReserveInfo(_sender);
    }

    function getReserveInfo(address _reserveHolder) public view returns (ReserveInfo memory info) {
        info.fundsRemaining = reserves[_reserveHolder].funds;
        info.claimedInCurrentRound = reserves[_reserveHolder].claimedForRound[roundsManager().currentRound()];
    }

    function claimableReserve(address _reserveHolder, address _claimant) public view returns (uint256) {
        Reserve storage reserve = reserves[_reserveHolder];
        uint256 currentRound = roundsManager().currentRound();
        if (!bondingManager().isActiveTranscoder(_claimant)) {
            return 0;
        }
        uint256 poolSize = bondingManager().getTranscoderPoolSize();
        if (poolSize == 0) {
            return 0;
        }
        uint256 totalClaimable = reserve.funds + reserve.claimedForRound[currentRound];
        return totalClaimable / poolSize - reserve.claimedByAddress[currentRound][_claimant];
    }

    function claimedReserve(address _reserveHolder, address _claimant) public view returns (uint256) {
        return reserves[_reserveHolder].claimedByAddress[roundsManager().currentRound()][_claimant];
    }

    function getTicketHash(Ticket memory _ticket) public pure returns (bytes32) {
        return
            keccak256(
                abi.encodePacked(
                    _ticket.recipient,
                    _ticket.sender,
                    _ticket.faceValue,
                    _ticket.winProb,
                    _ticket.senderNonce,
                    _ticket.recipientRandHash,
                    _ticket.auxData
                )
            );
    }

    // ---- Internals ----

    function requireValidWinningTicket(
        Ticket memory _ticket,
        bytes32 _ticketHash,
        bytes memory _sig,
        uint256 _recipientRand
    ) internal view {
        require(_ticket.recipient != address(0), "ticket recipient is null address");
        require(_ticket.sender != address(0), "ticket sender is null address");
        requireValidTicketAuxData(_ticket.auxData);
        require(
            keccak256(abi.encodePacked(_recipientRand)) == _ticket.recipientRandHash,
            "recipientRand does not match recipientRandHash"
        );
        require(!usedTickets[_ticketHash], "ticket is used");
        require(_sig.length == 65, "INVALID_SIGNATURE_LENGTH");
        address signer = TicketSignature.recoverPersonalSigner(_ticketHash, _sig);
        require(signer == _ticket.sender, "invalid signature over ticket hash");
        require(uint256(keccak256(abi.encodePacked(_sig, _recipientRand))) < _ticket.winProb, "ticket did not win");
    }

    function requireValidTicketAuxData(bytes memory _auxData) internal view {
        (uint256 creationRound, bytes32 creationRoundBlockHash) = creationRoundAndBlockHash(_auxData);
        bytes32 blockHash = roundsManager().blockHashForRound(creationRound);
        require(blockHash != bytes32(0), "ticket creationRound does not have a block hash");
        require(creationRoundBlockHash == blockHash, "ticket creationRoundBlockHash invalid for creationRound");
        require(creationRound + ticketValidityPeriod > roundsManager().currentRound(), "ticket is expired");
    }

    function creationRoundAndBlockHash(bytes memory _auxData)
        internal
        pure
        returns (uint256 creationRound, bytes32 creationRoundBlockHash)
    {
        require(_auxData.length == 64, "invalid length for ticket auxData: must be 64 bytes");
        assembly {
            creationRound := mload(add(_auxData, 0x20))
            creationRoundBlockHash := mload(add(_auxData, 0x40))
        }
    }

    function isLocked(Sender storage _sender) internal view returns (bool) {
        return _sender.withdrawRound == 0 || roundsManager().currentRound() < _sender.withdrawRound;
    }

    function addDeposit(address _sender, uint256 _amount) internal {
        senders[_sender].deposit += _amount;
        cancelUnlockIfSelfFunded(_sender);
        emit DepositFunded(_sender, _amount);
    }

    function addReserve(address _holder, uint256 _amount) internal {
        reserves[_holder].funds += _amount;
        emit ReserveFunded(_holder, _amount);
        cancelUnlockIfSelfFunded(_holder);
    }

    // A sender who tops up their own funds signals they want to keep paying.
    function cancelUnlockIfSelfFunded(address _sender) internal {
        if (msg.sender == _sender && senders[_sender].withdrawRound > 0) {
            cancelUnlockOf(_sender);
        }
    }

    function cancelUnlockOf(address _sender) internal {
        require(senders[_sender].withdrawRound > 0, "no unlock request in progress");
        senders[_sender].withdrawRound = 0;
        emit UnlockCancelled(_sender);
    }

    function claimFromReserve(address _holder, address _claimant, uint256 _amount) internal returns (uint256) {
        uint256 claimable = claimableReserve(_holder, _claimant);
        uint256 claimAmount = _amount > claimable ? claimable : _amount;
        if (claimAmount > 0) {
            uint256 currentRound = roundsManager().currentRound();
            Reserve storage reserve = reserves[_holder];
            reserve.claimedForRound[currentRound] += claimAmount;
            reserve.claimedByAddress[currentRound][_claimant] += claimAmount;
            reserve.funds -= claimAmount;
            emit ReserveClaimed(_holder, _claimant, claimAmount);
        }
        return claimAmount;
    }

    function roundsManager() internal view returns (IRoundsView) {
        return IRoundsView(contractNamed("RoundsManager"));
    }

    function bondingManager() internal view returns (IFeeBondingManager) {
        return IFeeBondingManager(contractNamed("BondingManager"));
    }
}
