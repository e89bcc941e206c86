// Admission: the one step every paid request passes before the node works for it (doc/wire.md 3
// and 4). /segment and /payment call it today; a later job type (an AI request) calls it the
// same way and adds only its own routing and body checks.
//
// The steps, in go-livepeer's order, with its status codes and texts:
//   at header time (ReadCredentials / CheckHeaders, on the connection's loop thread):
//     1. the Livepeer-Payment header decodes                                   else 402
//     2. the Livepeer-Segment credentials decode and verify (signature,
//        capabilities, auth token, capacity)                                    else 403
//   with the body (Admit):
//     3. the refreshed OrchestratorInfo for the session                         else 500
//     4. the payment: tickets checked and credited, winners stored, and for
//        work the session's balance (Pay, pm/payment_admission.h)            else 400
//                                             (503 when a winner cannot be stored)
//     5. the request's own body checks (a segment's hash), Policy::check_body
//     6. capacity: the session takes a slot on its first job                    else 403
// Pay is the whole payment rule in one function; Debit charges the work done afterwards.
//
// Threads: ReadCredentials and CheckHeaders run on the loop thread and do not block. Admit's
// steps 4-6 may block (a winning ticket's ledger fsync), so with an Executor they run there,
// on a lane keyed by the session (a session's payments stay in arrival order), and `done`
// runs on that executor thread after the ticket is durable; without one they run inline.
// ResponseWriter is thread-safe, so `done` answers from wherever it runs. Admission borrows
// every collaborator; they must outlive it. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/metrics.h"
#include "lp_rpc.pb.h"
#include "net/http_message.h"
#include "orchestrator/orchestrator_service.h"
#include "orchestrator/segment_credentials.h"
#include "pm/balances.h"
#include "pm/recipient.h"
#include "worker/executor.h"

namespace baton::orchestrator {

// What a paid request's headers carry, decoded and verified (steps 1-2).
struct Credentials {
  net::Payment payment;
  std::string sender;  // 20 bytes
  SegmentRequest segment;
  const std::string& session() const { return segment.seg_data.auth_token().session_id(); }
};

// A request that passed every step.
struct Admitted {
  Credentials credentials;
  net::OrchestratorInfo info;  // refreshed, carrying the request's own auth token
  pm::Rat price = 0;           // what its work is debited at: the session's price
  std::string balance_key;     // whose balance the payment credited and Debit charges
};

struct AdmissionDeps {
  OrchestratorService* orchestrator = nullptr;  // identity, tokens, sessions, capabilities
  pm::Recipient* recipient = nullptr;           // null: offchain, every payment is accepted
  pm::Balances* balances = nullptr;
  Metrics* metrics = nullptr;            // may be null
  worker::Executor* executor = nullptr;  // null: steps 4-6 run on the caller's thread
};

class Admission {
 public:
  struct Policy {
    // Whose balance the payment credits: the session id (work), or the gateway's manifest id
    // (/payment, doc/wire.md 4).
    bool credit_manifest = false;
    // The request asks for work now: it must be paid for (balance) and takes capacity.
    bool work = true;
    // The request's own checks that need its body, after the payment, before capacity.
    std::function<std::optional<http::Rejection>()> check_body;
    // An AI request (doc/ai.md 2.2): the balance is keyed by "<capability>_<model>" rather
    // than the session, the price is the model's rather than the transcoding quote, and the
    // capacity is a runner the caller already holds, not a transcode session slot.
    std::string balance_key;        // empty: the session (or manifest, above)
    std::optional<pm::Rat> quoted;  // empty: the refreshed info's price
    bool session_slot = true;
  };
  // Exactly one of the two is set.
  struct Decision {
    std::optional<Admitted> admitted;
    std::optional<http::Rejection> rejection;
  };
  using Done = std::function<void(Decision)>;

  explicit Admission(AdmissionDeps deps) : deps_(std::move(deps)) {}

  // The router's HeaderCheck: steps 1-2, leaving the Credentials in the request's head_state.
  // `session_capacity` false (AI requests): a full transcode session table does not refuse.
  std::optional<http::Rejection> CheckHeaders(http::HttpRequest& head,
                                              bool session_capacity = true) const;
  // The Credentials CheckHeaders left in the request, else steps 1-2 now.
  std::optional<http::Rejection> TakeCredentials(http::HttpRequest& request, Credentials& out,
                                                 bool session_capacity = true) const;
  // Steps 3-6; `done` runs once with the decision (see the threads note above).
  void Admit(Credentials credentials, Policy policy, Done done);

  // Charges the work done for an admitted request: price × output pixels (or an AI request's
  // units), at the session's price, never the gateway's claim (0 pixels when the work failed).
  void Debit(const Admitted& admitted, int64_t pixels);

  const OrchestratorService& orchestrator() const { return *deps_.orchestrator; }

 private:
  std::optional<http::Rejection> ReadCredentials(const http::HttpRequest& request, Credentials& out,
                                                 bool session_capacity) const;
  // Step 4, the payment rules: returns the rejection, or nullopt once credited, with the
  // price the work is debited at in `price`.
  std::optional<http::Rejection> Pay(const Credentials& c, const pm::Rat& quoted,
                                     const std::string& credit_to, bool work, pm::Rat& price);
  Decision Finish(Admitted admitted, const Policy& policy);

  AdmissionDeps deps_;
};

}  // namespace baton::orchestrator
