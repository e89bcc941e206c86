// SPDX-License-Identifier: MIT
// Baton devnet: the BondingManager. Delegators bond LPT (held by the Minter)
// towards a transcoder; a self-bonded transcoder is "registered" and joins
// the active pool from the next round; active transcoders earn a per-round
// LPT reward and the ETH fees of the tickets they redeem. Same ABI, events
// and revert strings as Livepeer's for everything a node calls.
// Simplifications (devnet only): all rewards and fees go to the transcoder
// itself (no delegator share); fees accumulate in getTranscoder().cumulativeFees
// and move to the transcoder's own delegator fees when it claims/withdraws.
pragma solidity ^0.8.9;

import "./Manager.sol";

interface IBondingRounds {
    function currentRound() external view returns (uint256);

    function currentRoundInitialized() external view returns (bool);

    function currentRoundLocked() external view returns (bool);
}

interface IBondingMinter {
    function createReward(uint256 _fracNum, uint256 _fracDenom) external returns (uint256);

    function trustedTransferTokens(address _to, uint256 _amount) external;

    function trustedWithdrawETH(address payable _to, uint256 _amount) external;
}

interface IBondingToken {
    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool);
}

contract BondingManager is Manager {
    uint256 private constant PERC_DIVISOR = 1000000;
    uint256 private constant MAX_FUTURE_ROUND = 2**256 - 1;

    struct Transcoder {
        uint256 lastRewardRound;
        uint256 rewardCut;
        uint256 feeShare;
        uint256 lastActiveStakeUpdateRound;
        uint256 activationRound;
        uint256 deactivationRound;
        uint256 activeCumulativeRewards;
        uint256 cumulativeRewards;
        uint256 cumulativeFees;
        uint256 lastFeeRound;
    }

    struct Delegator {
        uint256 bondedAmount;
        uint256 fees;
        address delegateAddress;
        uint256 delegatedAmount;
        uint256 startRound;
        uint256 lastClaimRound;
        uint256 nextUnbondingLockId;
    }

    struct UnbondingLock {
        uint256 amount;
        uint256 withdrawRound;
    }

    enum TranscoderStatus {
        NotRegistered,
        Registered
    }

    enum DelegatorStatus {
        Pending,
        Bonded,
        Unbonded
    }

    uint64 public unbondingPeriod = 7;
    uint256 public numActiveTranscoders = 100;
    uint256 public currentRoundTotalActiveStake;
    uint256 public nextRoundTotalActiveStake;

    mapping(address => Transcoder) private transcoders;
    mapping(address => Delegator) private delegators;
    mapping(address => mapping(uint256 => UnbondingLock)) private unbondingLocks;
    // The active pool, kept sorted by stake, largest first.
    address[] private pool;

    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    event Reward(address indexed transcoder, uint256 amount);
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );
    event Unbond(
        address indexed delegate,
        address indexed delegator,
        uint256 unbondingLockId,
        uint256 amount,
        uint256 withdrawRound
    );
    event Rebond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount);
    event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound);
    event WithdrawFees(address indexed delegator, address recipient, uint256 amount);
    event EarningsClaimed(
        address indexed delegate,
        address indexed delegator,
        uint256 rewards,
        uint256 fees,
        uint256 startRound,
        uint256 endRound
    );

    constructor(address _controller) Manager(_controller) {}

    modifier currentRoundInitialized() {
        require(roundsManager().currentRoundInitialized(), "current round is not initialized");
        _;
    }

    modifier onlyTicketBroker() {
        require(msg.sender == contractNamed("TicketBroker"), "caller must be TicketBroker");
        _;
    }

    modifier onlyRoundsManager() {
        require(msg.sender == contractNamed("RoundsManager"), "caller must be RoundsManager");
        _;
    }

    // ---- Parameters (Controller owner) ----

    function setUnbondingPeriod(uint64 _unbondingPeriod) external onlyControllerOwner {
        unbondingPeriod = _unbondingPeriod;
        emit ParameterUpdate("unbondingPeriod");
    }

    function setNumActiveTranscoders(uint256 _numActiveTranscoders) external onlyControllerOwner {
        numActiveTranscoders = _numActiveTranscoders;
        emit ParameterUpdate("numActiveTranscoders");
    }

    // ---- Transcoders ----

    function transcoder(uint256 _rewardCut, uint256 _feeShare) external {
        transcoderWithHint(_rewardCut, _feeShare, address(0), address(0));
    }

    function transcoderWithHint(uint256 _rewardCut, uint256 _feeShare, address, address)
        public
        whenSystemNotPaused
        currentRoundInitialized
    {
        require(!roundsManager().currentRoundLocked(), "can't update transcoder params, current round is locked");
        require(_rewardCut <= PERC_DIVISOR, "invalid rewardCut percentage");
        require(_feeShare <= PERC_DIVISOR, "invalid feeShare percentage");
        require(isRegisteredTranscoder(msg.sender), "transcoder must be registered");

        Transcoder storage t = transcoders[msg.sender];
        uint256 currentRound = roundsManager().currentRound();
        require(
            !isActiveTranscoder(msg.sender) || t.lastRewardRound == currentRound,
            "caller can't be active or must have already called reward for the current round"
        );
        t.rewardCut = _rewardCut;
        t.feeShare = _feeShare;
        if (!poolContains(msg.sender)) {
            tryToJoinActiveSet(msg.sender, delegators[msg.sender].delegatedAmount, currentRound + 1);
        }
        emit TranscoderUpdate(msg.sender, _rewardCut, _feeShare);
    }

    function reward() external {
        rewardWithHint(address(0), address(0));
    }

    function rewardWithHint(address, address) public whenSystemNotPaused currentRoundInitialized {
        uint256 currentRound = roundsManager().currentRound();
        require(isActiveTranscoder(msg.sender), "caller must be an active transcoder");
        Transcoder storage t = transcoders[msg.sender];
        require(t.lastRewardRound != currentRound, "caller has already called reward for the current round");

        uint256 rewards = minter().createReward(transcoderTotalStake(msg.sender), currentRoundTotalActiveStake);
        delegators[msg.sender].bondedAmount += rewards;
        increaseTotalStake(msg.sender, rewards);
        t.cumulativeRewards += rewards;
        t.activeCumulativeRewards = t.cumulativeRewards;
        t.lastRewardRound = currentRound;
        emit Reward(msg.sender, rewards);
    }

    function updateTranscoderWithFees(address _transcoder, uint256 _fees, uint256)
        external
        whenSystemNotPaused
        onlyTicketBroker
    {
        require(isRegisteredTranscoder(_transcoder), "transcoder must be registered");
        uint256 currentRound = roundsManager().currentRound();
        Transcoder storage t = transcoders[_transcoder];
        // Livepeer divides by the stake in the current round's earnings pool,
        // which is zero for a transcoder that has never been active: the call
        // then panics (division by zero). Reproduce that.
        uint256 stakeInPool = t.activationRound != 0 && t.activationRound <= currentRound
            ? delegators[_transcoder].delegatedAmount
            : 0;
        if (stakeInPool == 0) revertWithDivisionByZero();
        t.cumulativeFees += _fees;
        t.lastFeeRound = currentRound;
    }

    function setCurrentRoundTotalActiveStake() external onlyRoundsManager {
        currentRoundTotalActiveStake = nextRoundTotalActiveStake;
    }

    // ---- Delegators ----

    function bond(uint256 _amount, address _to) external {
        bondWithHint(_amount, _to, address(0), address(0), address(0), address(0));
    }

    function bondWithHint(uint256 _amount, address _to, address, address, address, address)
        public
        whenSystemNotPaused
        currentRoundInitialized
    {
        Delegator storage del = delegators[msg.sender];
        uint256 currentRound = roundsManager().currentRound();
        address currentDelegate = del.delegateAddress;
        uint256 delegationAmount = _amount;

        if (delegatorStatus(msg.sender) == DelegatorStatus.Unbonded) {
            del.startRound = currentRound + 1;
        } else if (currentDelegate != address(0) && currentDelegate != _to) {
            require(!isRegisteredTranscoder(msg.sender), "registered transcoders can't delegate towards other addresses");
            // Moving the whole existing bond to the new delegate.
            del.startRound = currentRound + 1;
            delegationAmount += del.bondedAmount;
            decreaseTotalStake(currentDelegate, del.bondedAmount);
        }
        require(delegationAmount > 0, "delegation amount must be greater than 0");

        del.delegateAddress = _to;
        del.bondedAmount += _amount;
        increaseTotalStake(_to, delegationAmount);
        if (_amount > 0) {
            token().transferFrom(msg.sender, contractNamed("Minter"), _amount);
        }
        emit Bond(_to, currentDelegate, msg.sender, _amount, del.bondedAmount);
    }

    function unbond(uint256 _amount) external {
        unbondWithHint(_amount, address(0), address(0));
    }

    function unbondWithHint(uint256 _amount, address, address) public whenSystemNotPaused currentRoundInitialized {
        require(delegatorStatus(msg.sender) == DelegatorStatus.Bonded, "caller must be bonded");
        Delegator storage del = delegators[msg.sender];
        require(_amount > 0, "unbond amount must be greater than 0");
        require(_amount <= del.bondedAmount, "amount is greater than bonded amount");

        address currentDelegate = del.delegateAddress;
        uint256 withdrawRound = roundsManager().currentRound() + unbondingPeriod;
        uint256 lockId = del.nextUnbondingLockId++;
        unbondingLocks[msg.sender][lockId] = UnbondingLock(_amount, withdrawRound);
        del.bondedAmount -= _amount;
        if (del.bondedAmount == 0) {
            del.delegateAddress = address(0);
            del.startRound = 0;
            if (poolContains(msg.sender)) {
                resignTranscoder(msg.sender);
            }
        }
        decreaseTotalStake(currentDelegate, _amount);
        emit Unbond(currentDelegate, msg.sender, lockId, _amount, withdrawRound);
    }

    function rebond(uint256 _unbondingLockId) external {
        rebondWithHint(_unbondingLockId, address(0), address(0));
    }

    function rebondWithHint(uint256 _unbondingLockId, address, address)
        public
        whenSystemNotPaused
        currentRoundInitialized
    {
        require(delegatorStatus(msg.sender) != DelegatorStatus.Unbonded, "caller must be bonded");
        processRebond(_unbondingLockId);
    }

    function rebondFromUnbonded(address _to, uint256 _unbondingLockId) external {
        rebondFromUnbondedWithHint(_to, _unbondingLockId, address(0), address(0));
    }

    function rebondFromUnbondedWithHint(address _to, uint256 _unbondingLockId, address, address)
        public
        whenSystemNotPaused
        currentRoundInitialized
    {
        require(delegatorStatus(msg.sender) == DelegatorStatus.Unbonded, "caller must be unbonded");
        Delegator storage del = delegators[msg.sender];
        del.startRound = roundsManager().currentRound() + 1;
        del.delegateAddress = _to;
        processRebond(_unbondingLockId);
    }

    function processRebond(uint256 _unbondingLockId) internal {
        require(isValidUnbondingLock(msg.sender, _unbondingLockId), "invalid unbonding lock ID");
        uint256 amount = unbondingLocks[msg.sender][_unbondingLockId].amount;
        delete unbondingLocks[msg.sender][_unbondingLockId];
        Delegator storage del = delegators[msg.sender];
        del.bondedAmount += amount;
        increaseTotalStake(del.delegateAddress, amount);
        emit Rebond(del.delegateAddress, msg.sender, _unbondingLockId, amount);
    }

    function withdrawStake(uint256 _unbondingLockId) external whenSystemNotPaused currentRoundInitialized {
        require(isValidUnbondingLock(msg.sender, _unbondingLockId), "invalid unbonding lock ID");
        UnbondingLock memory lock = unbondingLocks[msg.sender][_unbondingLockId];
        require(
            lock.withdrawRound <= roundsManager().currentRound(),
            "withdraw round must be before or equal to the current round"
        );
        delete unbondingLocks[msg.sender][_unbondingLockId];
        minter().trustedTransferTokens(msg.sender, lock.amount);
        emit WithdrawStake(msg.sender, _unbondingLockId, lock.amount, lock.withdrawRound);
    }

    function withdrawFees(address payable _recipient, uint256 _amount)
        external
        whenSystemNotPaused
        currentRoundInitialized
    {
        claimOwnEarnings();
        require(_recipient != address(0), "invalid recipient");
        uint256 fees = delegators[msg.sender].fees;
        require(fees >= _amount, "insufficient fees to withdraw");
        delegators[msg.sender].fees = fees - _amount;
        minter().trustedWithdrawETH(_recipient, _amount);
        emit WithdrawFees(msg.sender, _recipient, _amount);
    }

    function claimEarnings(uint256) external whenSystemNotPaused currentRoundInitialized {
        claimOwnEarnings();
    }

    // ---- Views ----

    function pendingStake(address _delegator, uint256) public view returns (uint256) {
        return delegators[_delegator].bondedAmount;
    }

    function pendingFees(address _delegator, uint256) public view returns (uint256) {
        return delegators[_delegator].fees + unclaimedTranscoderFees(_delegator);
    }

    function transcoderTotalStake(address _transcoder) public view returns (uint256) {
        return delegators[_transcoder].delegatedAmount;
    }

    function transcoderStatus(address _transcoder) public view returns (TranscoderStatus) {
        return isRegisteredTranscoder(_transcoder) ? TranscoderStatus.Registered : TranscoderStatus.NotRegistered;
    }

    function delegatorStatus(address _delegator) public view returns (DelegatorStatus) {
        Delegator storage del = delegators[_delegator];
        if (del.bondedAmount == 0) {
            return DelegatorStatus.Unbonded;
        } else if (del.startRound > roundsManager().currentRound()) {
            return DelegatorStatus.Pending;
        }
        return DelegatorStatus.Bonded;
    }

    function getTranscoder(address _transcoder)
        public
        view
        returns (
            uint256 lastRewardRound,
            uint256 rewardCut,
            uint256 feeShare,
            uint256 lastActiveStakeUpdateRound,
            uint256 activationRound,
            uint256 deactivationRound,
            uint256 activeCumulativeRewards,
            uint256 cumulativeRewards,
            uint256 cumulativeFees,
            uint256 lastFeeRound
        )
    {
        Transcoder storage t = transcoders[_transcoder];
        return (
            t.lastRewardRound,
            t.rewardCut,
            t.feeShare,
            t.lastActiveStakeUpdateRound,
            t.activationRound,
            t.deactivationRound,
            t.activeCumulativeRewards,
            t.cumulativeRewards,
            t.cumulativeFees,
            t.lastFeeRound
        );
    }

    function getTranscoderEarningsPoolForRound(address _transcoder, uint256 _round)
        public
        view
        returns (
            uint256 totalStake,
            uint256 transcoderRewardCut,
            uint256 transcoderFeeShare,
            uint256 cumulativeRewardFactor,
            uint256 cumulativeFeeFactor
        )
    {
        Transcoder storage t = transcoders[_transcoder];
        bool active = t.activationRound != 0 && t.activationRound <= _round && _round < t.deactivationRound;
        totalStake = active ? delegators[_transcoder].delegatedAmount : 0;
        return (totalStake, t.rewardCut, t.feeShare, 0, 0);
    }

    function getDelegator(address _delegator)
        public
        view
        returns (
            uint256 bondedAmount,
            uint256 fees,
            address delegateAddress,
            uint256 delegatedAmount,
            uint256 startRound,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        )
    {
        Delegator storage del = delegators[_delegator];
        return (
            del.bondedAmount,
            del.fees,
            del.delegateAddress,
            del.delegatedAmount,
            del.startRound,
            del.lastClaimRound,
            del.nextUnbondingLockId
        );
    }

    function getDelegatorUnbondingLock(address _delegator, uint256 _unbondingLockId)
        public
        view
        returns (uint256 amount, uint256 withdrawRound)
    {
        UnbondingLock storage lock = unbondingLocks[_delegator][_unbondingLockId];
        return (lock.amount, lock.withdrawRound);
    }

    function getTranscoderPoolMaxSize() public view returns (uint256) {
        return numActiveTranscoders;
    }

    function getTranscoderPoolSize() public view returns (uint256) {
        return pool.length;
    }

    function getFirstTranscoderInPool() public view returns (address) {
        return pool.length == 0 ? address(0) : pool[0];
    }

    function getNextTranscoderInPool(address _transcoder) public view returns (address) {
        for (uint256 i = 0; i + 1 < pool.length; i++) {
            if (pool[i] == _transcoder) return pool[i + 1];
        }
        return address(0);
    }

    function getTotalBonded() public view returns (uint256) {
        return currentRoundTotalActiveStake;
    }

    function isActiveTranscoder(address _transcoder) public view returns (bool) {
        Transcoder storage t = transcoders[_transcoder];
        uint256 currentRound = roundsManager().currentRound();
        return t.activationRound <= currentRound && currentRound < t.deactivationRound;
    }

    function isRegisteredTranscoder(address _transcoder) public view returns (bool) {
        Delegator storage d = delegators[_transcoder];
        return d.delegateAddress == _transcoder && d.bondedAmount > 0;
    }

    function isValidUnbondingLock(address _delegator, uint256 _unbondingLockId) public view returns (bool) {
        return unbondingLocks[_delegator][_unbondingLockId].withdrawRound > 0;
    }

    // ---- Internals: stake and the pool ----

    function unclaimedTranscoderFees(address _addr) internal view returns (uint256) {
        return delegators[_addr].delegateAddress == _addr ? transcoders[_addr].cumulativeFees : 0;
    }

    // Moves the caller's accumulated transcoder fees into its withdrawable fees.
    function claimOwnEarnings() internal {
        Delegator storage del = delegators[msg.sender];
        uint256 fees = unclaimedTranscoderFees(msg.sender);
        uint256 currentRound = roundsManager().currentRound();
        uint256 startRound = del.lastClaimRound + 1;
        transcoders[msg.sender].cumulativeFees -= fees;
        del.fees += fees;
        del.lastClaimRound = currentRound;
        emit EarningsClaimed(del.delegateAddress, msg.sender, 0, fees, startRound, currentRound);
    }

    // Panic(0x12), what Solidity's checked division raises on a zero divisor.
    function revertWithDivisionByZero() internal pure {
        assembly {
            mstore(0, shl(224, 0x4e487b71))
            mstore(4, 0x12)
            revert(0, 0x24)
        }
    }

    function increaseTotalStake(address _delegate, uint256 _amount) internal {
        delegators[_delegate].delegatedAmount += _amount;
        if (!isRegisteredTranscoder(_delegate)) return;
        if (poolContains(_delegate)) {
            nextRoundTotalActiveStake += _amount;
            reposition(_delegate);
        } else {
            tryToJoinActiveSet(_delegate, delegators[_delegate].delegatedAmount, roundsManager().currentRound() + 1);
        }
    }

    function decreaseTotalStake(address _delegate, uint256 _amount) internal {
        delegators[_delegate].delegatedAmount -= _amount;
        if (poolContains(_delegate)) {
            nextRoundTotalActiveStake -= _amount;
            reposition(_delegate);
        }
    }

    function tryToJoinActiveSet(address _transcoder, uint256 _totalStake, uint256 _activationRound) internal {
        if (pool.length >= numActiveTranscoders) {
            address lastTranscoder = pool[pool.length - 1];
            uint256 lastStake = transcoderTotalStake(lastTranscoder);
            if (_totalStake <= lastStake) return;
            pool.pop();
            transcoders[lastTranscoder].deactivationRound = _activationRound;
            nextRoundTotalActiveStake -= lastStake;
            emit TranscoderDeactivated(lastTranscoder, _activationRound);
        }
        pool.push(_transcoder);
        reposition(_transcoder);
        nextRoundTotalActiveStake += _totalStake;
        Transcoder storage t = transcoders[_transcoder];
        t.lastActiveStakeUpdateRound = _activationRound;
        t.activationRound = _activationRound;
        t.deactivationRound = MAX_FUTURE_ROUND;
        emit TranscoderActivated(_transcoder, _activationRound);
    }

    function resignTranscoder(address _transcoder) internal {
        removeFromPool(_transcoder);
        nextRoundTotalActiveStake -= transcoderTotalStake(_transcoder);
        uint256 deactivationRound = roundsManager().currentRound() + 1;
        transcoders[_transcoder].deactivationRound = deactivationRound;
        emit TranscoderDeactivated(_transcoder, deactivationRound);
    }

    function poolIndex(address _transcoder) internal view returns (uint256) {
        for (uint256 i = 0; i < pool.length; i++) {
            if (pool[i] == _transcoder) return i;
        }
        return type(uint256).max;
    }

    function poolContains(address _transcoder) internal view returns (bool) {
        return poolIndex(_transcoder) != type(uint256).max;
    }

    function removeFromPool(address _transcoder) internal {
        for (uint256 i = poolIndex(_transcoder); i + 1 < pool.length; i++) {
            pool[i] = pool[i + 1];
        }
        pool.pop();
    }

    // Restores the largest-stake-first order after one member's stake changed.
    function reposition(address _transcoder) internal {
        uint256 i = poolIndex(_transcoder);
        while (i > 0 && transcoderTotalStake(pool[i - 1]) < transcoderTotalStake(pool[i])) {
            (pool[i - 1], pool[i]) = (pool[i], pool[i - 1]);
            i--;
        }
        while (i + 1 < pool.length && transcoderTotalStake(pool[i + 1]) > transcoderTotalStake(pool[i])) {
            (pool[i + 1], pool[i]) = (pool[i], pool[i + 1]);
            i++;
        }
    }

    function roundsManager() internal view returns (IBondingRounds) {
        return IBondingRounds(contractNamed("RoundsManager"));
    }

    function minter() internal view returns (IBondingMinter) {
        return IBondingMinter(contractNamed("Minter"));
    }

    function token() internal view returns (IBondingToken) {
        return IBondingToken(contractNamed("LivepeerToken"));
    }
}
