#include "cli/commands.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/answer_text.h"
#include "common/flags.h"
#include "common/hex.h"
#include "nlohmann/json.hpp"

namespace baton::cli {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The answer as JSON: parsed when it is JSON, else the text (raw bytes as 0x-hex).
json AnswerJson(const Reply& r, bool binary) {
  if (binary) return HexEncode0x(r.body);
  auto parsed = json::parse(QuoteBigIntegers(r.body), nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  return std::string(absl::StripAsciiWhitespace(r.body));
}

// Prints a failed call; returns the exit code.
int Fail(Session& s, const std::string& command, const std::string& path,
         const absl::StatusOr<Reply>& reply) {
  const std::string why = Explain(s.client().endpoint(), path, reply);
  const int code = reply.ok() ? kExitRefused : kExitUnreachable;
  if (s.json()) {
    s.out() << Dump({{"command", command},
                     {"path", path},
                     {"ok", false},
                     {"status", reply.ok() ? reply->status : 0},
                     {"error", why}})
            << "\n";
  } else {
    s.err() << "baton-cli " << command << ": " << why << "\n";
  }
  return code;
}

// Prints a successful answer: `done` for an empty one (a mined transaction).
int Done(Session& s, const std::string& command, const std::string& path, const Reply& r,
         const std::string& done, bool binary = false) {
  json answer = AnswerJson(r, binary);
  if (s.json()) {
    s.out() << Dump({{"command", command}, {"path", path}, {"ok", true}, {"answer", answer}})
            << "\n";
  } else if (answer.is_string() && answer.get<std::string>().empty()) {
    s.out() << done << "\n";
  } else {
    s.out() << HumanText(answer);
  }
  return kExitOk;
}

int Post(Session& s, const std::string& command, const std::string& path, const Params& form,
         const std::string& done, const http::HttpHeaders& headers = {}, bool binary = false) {
  auto reply = s.client().Post(path, form, headers);
  if (!reply.ok() || !reply->ok()) return Fail(s, command, path, reply);
  return Done(s, command, path, *reply, done, binary);
}

int GetAndShow(Session& s, const std::string& command, const std::string& path,
               const Params& query = {}) {
  auto reply = s.client().Get(path, query);
  if (!reply.ok() || !reply->ok()) return Fail(s, command, path, reply);
  return Done(s, command, path, *reply, "(empty)");
}

// A scalar as text: strings without quotes (big integers arrive as strings).
std::string Scalar(const json& v) { return v.is_string() ? v.get<std::string>() : Dump(v); }

// GET returning parsed JSON, or nullopt (any failure).
std::optional<json> GetJson(Session& s, const std::string& path, const Params& query = {}) {
  auto reply = s.client().Get(path, query);
  if (!reply.ok() || !reply->ok()) return std::nullopt;
  auto j = json::parse(QuoteBigIntegers(reply->body), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<std::string> GetText(Session& s, const std::string& path) {
  auto reply = s.client().Get(path);
  if (!reply.ok() || !reply->ok()) return std::nullopt;
  return std::string(absl::StripAsciiWhitespace(reply->body));
}

std::string Value(const Values& v, const std::string& flag) {
  auto it = v.find(flag);
  return it == v.end() ? "" : it->second;
}

// Adds param=value for each (flag, param) whose flag was given.
Params Form(const Values& v, std::initializer_list<std::pair<const char*, const char*>> map) {
  Params p;
  for (const auto& [flag, param] : map)
    if (auto x = Value(v, flag); !x.empty()) p.emplace_back(param, x);
  return p;
}

// A usage error found after parsing (e.g. two options that go together).
int Usage(Session& s, const std::string& command, const std::string& message) {
  if (s.json())
    s.out() << Dump({{"command", command}, {"ok", false}, {"status", 0}, {"error", message}})
            << "\n";
  else
    s.err() << "baton-cli " << command << ": " << message << "\n";
  return kExitUsage;
}

// Each option's prompt in turn (the default menu questions).
std::optional<Values> AskOptions(Session& s, const Command& c) {
  Values v;
  for (const auto& o : c.options) {
    for (;;) {
      auto answer = s.Ask(o.flag + " (" + o.help + ")", o.default_value);
      if (!answer) return std::nullopt;
      if (!answer->empty() || !o.required) {
        if (!answer->empty()) v[o.flag] = *answer;
        break;
      }
      s.out() << "A value is required.\n";
    }
  }
  return v;
}

// ---- status --------------------------------------------------------------------------------

double Percent(const json& ppm) {
  double v = 0;
  if (ppm.is_number()) v = ppm.get<double>();
  if (ppm.is_string()) (void)absl::SimpleAtod(ppm.get<std::string>(), &v);
  return v / 10000.0;  // parts per million -> percent
}

int Status(Session& s, const Values&) {
  auto status = s.client().Get("/status");
  if (!status.ok() || !status->ok()) return Fail(s, "status", "/status", status);
  json node = AnswerJson(*status, false);
  json chain = json::object();
  // On chain only (offchain these answer "missing ETH client"): what livepeer_cli shows.
  for (const char* path : {"/orchestratorInfo", "/delegatorInfo", "/contractAddresses"})
    if (auto j = GetJson(s, path)) chain[std::string(path).substr(1)] = *j;
  for (const char* path : {"/currentRound", "/ethAddr", "/tokenBalance", "/ethBalance",
                           "/maxGasPrice", "/minGasPrice"})
    if (auto t = GetText(s, path)) chain[std::string(path).substr(1)] = *t;
  json tickets = nullptr;
  if (auto t = GetJson(s, "/tickets", {{"limit", "0"}}); t && t->contains("counts"))
    tickets = {{"counts", (*t)["counts"]}, {"faceValues", (*t)["faceValues"]}};
  if (s.json()) {
    s.out() << Dump({{"command", "status"},
                     {"path", "/status"},
                     {"ok", true},
                     {"answer",
                      {{"node", node},
                       {"chain", chain.empty() ? json(nullptr) : chain},
                       {"tickets", tickets}}}})
            << "\n";
    return kExitOk;
  }
  auto str = [](const json& j, const char* key) -> std::string {
    if (!j.is_object() || !j.contains(key)) return "";
    const json& v = j[key];
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  std::ostream& o = s.out();
  o << SectionTitle("NODE");
  Table t;
  t.Row("Version", str(node, "Version"));
  t.Row("Role", str(node, "Role"));
  t.Row("Network", str(node, "Network"));
  t.Row("Service URI", str(node, "ServiceURI"));
  t.Row("Address", str(node, "Address"));
  t.Row("Sessions", str(node, "SessionsInUse") + " of " + str(node, "MaxSessions"));
  t.Row("Local transcoding", str(node, "LocalTranscoding"));
  if (node.contains("RegisteredTranscodersNumber"))
    t.Row("Remote transcoders", str(node, "RegisteredTranscodersNumber"));
  if (node.contains("BroadcasterPrices") && node["BroadcasterPrices"].is_object())
    for (const auto& [who, price] : node["BroadcasterPrices"].items())
      t.Row("Price (" + who + ")",
            (price.is_string() ? price.get<std::string>() : price.dump()) + " wei/pixel");
  o << t.Render();
  if (!chain.empty()) {
    o << "\n" << SectionTitle("CHAIN");
    Table c;
    c.Row("Current round", str(chain, "currentRound"));
    c.Row("Account", str(chain, "ethAddr"));
    c.Row("ETH balance (wei)", str(chain, "ethBalance"));
    c.Row("LPT balance (wei)", str(chain, "tokenBalance"));
    c.Row("Min gas price (wei)", str(chain, "minGasPrice"));
    c.Row("Max gas price (wei)",
          str(chain, "maxGasPrice").empty() ? "none" : str(chain, "maxGasPrice"));
    o << c.Render();
    if (chain.contains("orchestratorInfo")) {
      const json tr = chain["orchestratorInfo"].value("Transcoder", json::object());
      o << "\n" << SectionTitle("ORCHESTRATOR");
      Table r;
      r.Row("Status", str(tr, "Status"));
      r.Row("Active", str(tr, "Active"));
      r.Row("Service URI", str(tr, "ServiceURI"));
      r.Row("Delegated Stake", str(tr, "DelegatedStake"));
      r.Row("Reward Cut (%)", absl::StrCat(Percent(tr.value("RewardCut", json(0)))));
      r.Row("Fee Cut (%)", absl::StrCat(100 - Percent(tr.value("FeeShare", json(0)))));
      r.Row("Last Reward Round", str(tr, "LastRewardRound"));
      r.Row("Base price (wei/pixel)", str(chain["orchestratorInfo"], "PriceInfo"));
      o << r.Render();
    }
    if (chain.contains("delegatorInfo")) {
      const json& d = chain["delegatorInfo"];
      o << "\n" << SectionTitle("DELEGATOR");
      Table r;
      for (const char* k : {"Status", "BondedAmount", "DelegateAddress", "PendingStake",
                            "PendingFees", "LastClaimRound", "StartRound"})
        r.Row(k, str(d, k));
      o << r.Render();
    }
  } else {
    o << "(offchain: no chain state)\n";
  }
  if (!tickets.is_null()) {
    o << "\n" << SectionTitle("TICKETS");
    Table r;
    for (const char* k : {"queued", "submitted", "redeemed", "failed", "expired"})
      r.Row(k, str(tickets["counts"], k) + " (" + str(tickets["faceValues"], k) + " wei)");
    o << r.Render();
  }
  return kExitOk;
}

// ---- actions with their own logic ----------------------------------------------------------

int Reward(Session& s, const Values& v) {
  if (Value(v, "force").empty()) {
    auto info = GetJson(s, "/orchestratorInfo");
    auto round = GetText(s, "/currentRound");
    if (info && round && info->contains("Transcoder")) {
      const json& last = (*info)["Transcoder"]["LastRewardRound"];
      const std::string last_text = last.is_string() ? last.get<std::string>() : last.dump();
      if (last_text == *round) {
        if (s.json())
          s.out() << Dump({{"command", "reward"},
                           {"path", "/reward"},
                           {"ok", true},
                           {"answer", "already called"},
                           {"round", *round}})
                  << "\n";
        else
          s.out() << "Reward for current round " << *round << " already called\n";
        return kExitOk;
      }
      if (!s.json()) s.out() << "Calling reward for round " << *round << "\n";
    }
  }
  return Post(s, "reward", "/reward", {}, "Reward called.");
}

// The orchestrator settings livepeer_cli's items 12 and 13 send.
std::optional<std::string> OrchestratorForm(const Values& v, bool all_required, Params* form) {
  std::string fee_share = Value(v, "fee-share");
  if (std::string cut = Value(v, "fee-cut"); !cut.empty()) {
    double c = 0;
    if (!absl::SimpleAtod(cut, &c) || c < 0 || c > 100)
      return "--fee-cut is a percentage from 0 to 100";
    fee_share = absl::StrCat(100 - c);  // livepeer_cli sends feeShare = 100 - fee cut
  }
  const std::string reward_cut = Value(v, "reward-cut");
  const std::string per_unit = Value(v, "per-unit");
  const std::string pixels = Value(v, "pixels-per-unit");
  const std::string uri = Value(v, "service-uri");
  if (all_required) {
    if (reward_cut.empty() || fee_share.empty() || per_unit.empty() || uri.empty())
      return "needs --reward-cut, --fee-cut (or --fee-share), --per-unit and --service-uri";
  } else if (reward_cut.empty() != fee_share.empty()) {
    return "--reward-cut and --fee-cut (or --fee-share) go together";
  }
  if (!reward_cut.empty()) {
    form->emplace_back("blockRewardCut", reward_cut);
    form->emplace_back("feeShare", fee_share);
  }
  if (!per_unit.empty()) {
    form->emplace_back("pricePerUnit", per_unit);
    form->emplace_back("pixelsPerUnit", pixels.empty() ? "1" : pixels);
    if (auto c = Value(v, "currency"); !c.empty()) form->emplace_back("currency", c);
  }
  if (!uri.empty()) form->emplace_back("serviceURI", uri);
  return std::nullopt;
}

std::optional<Values> AskOrchestratorConfig(Session& s, bool activate) {
  Values v;
  double reward_cut = 10, fee_cut = 95;
  std::string registered_uri;
  if (auto info = GetJson(s, "/orchestratorInfo"); info && info->contains("Transcoder")) {
    const json& t = (*info)["Transcoder"];
    if (t.value("Status", "") == "Registered") {
      reward_cut = Percent(t.value("RewardCut", json(0)));
      fee_cut = 100 - Percent(t.value("FeeShare", json(0)));
      registered_uri = Scalar(t.value("ServiceURI", json("")));
    }
  }
  // Defaults: what is in force now (the registered URI, else the node's -serviceAddr; the
  // default price when it is a whole number of wei per pixel).
  std::string uri = registered_uri, price = "0";
  if (auto st = GetJson(s, "/status"); st && st->is_object()) {
    if (uri.empty() && st->contains("ServiceURI")) uri = Scalar((*st)["ServiceURI"]);
    if (st->contains("BroadcasterPrices") && (*st)["BroadcasterPrices"].is_object() &&
        (*st)["BroadcasterPrices"].contains("default")) {
      const std::string p = Scalar((*st)["BroadcasterPrices"]["default"]);
      if (!p.empty() && p.find_first_not_of("0123456789") == std::string::npos) price = p;
    }
  }
  struct Q {
    const char* flag;
    std::string prompt;
    std::string def;
  };
  const std::vector<Q> questions = {
      {"reward-cut", "Enter block reward cut percentage", absl::StrCat(reward_cut)},
      {"fee-cut", "Enter fee cut percentage", absl::StrCat(fee_cut)},
      {"pixels-per-unit", "Enter amount of pixels that make up a single unit", "1"},
      {"per-unit", "Enter the price per unit in wei", price},
      {"service-uri", "Enter the public URI of the node (https://host:port)", uri},
  };
  for (const auto& q : questions) {
    auto a = s.Ask(q.prompt, q.def);
    if (!a) return std::nullopt;
    v[q.flag] = *a;
  }
  if (activate) {
    auto d = GetJson(s, "/delegatorInfo");
    const bool self_bonded =
        d && (*d).value("DelegateAddress", json("")) == (*d).value("Address", json("x")) &&
        (*d).value("BondedAmount", json(0)) != json(0);
    if (!self_bonded) {
      s.out() << "You must bond to yourself in order to become an orchestrator.\n";
      if (auto locks = GetJson(s, "/unbondingLocks");
          locks && locks->is_array() && !locks->empty()) {
        s.out() << HumanText(*locks);
        if (s.Confirm("Use an unbonding lock to rebond to yourself?")) {
          auto id = s.Ask("Enter the unbonding lock ID");
          if (!id) return std::nullopt;
          v["lock"] = *id;
          return v;
        }
      }
      if (auto bal = GetText(s, "/tokenBalance"))
        s.out() << "Current token balance: " << *bal << "\n";
      auto amount = s.Ask("Enter bond amount (LPT wei)");
      if (!amount) return std::nullopt;
      v["amount"] = *amount;
    }
  }
  return v;
}

int Activate(Session& s, const Values& v) {
  Params form;
  if (auto e = OrchestratorForm(v, true, &form)) return Usage(s, "activate", *e);
  if (form.end() == std::find_if(form.begin(), form.end(),
                                 [](const auto& p) { return p.first == "pricePerUnit"; })) {
    form.emplace_back("pricePerUnit", "0");
    form.emplace_back("pixelsPerUnit", "1");
  }
  for (const auto& [flag, param] : {std::pair{"amount", "amount"}, {"lock", "unbondingLockId"}})
    if (auto x = Value(v, flag); !x.empty()) form.emplace_back(param, x);
  return Post(s, "activate", "/activateOrchestrator", form,
              "Transaction mined. Once confirmed, please restart your node.");
}

int SetConfig(Session& s, const Values& v) {
  Params form;
  if (auto e = OrchestratorForm(v, false, &form)) return Usage(s, "set-config", *e);
  if (form.empty())
    return Usage(s, "set-config",
                 "nothing to set: give --per-unit, --reward-cut/--fee-cut or "
                 "--service-uri");
  return Post(s, "set-config", "/setOrchestratorConfig", form,
              "Orchestrator config set. Restart the node if the service URI changed.");
}

int Tickets(Session& s, const Values& v) {
  auto reply = s.client().Get(
      "/tickets", Form(v, {{"state", "state"}, {"sender", "sender"}, {"limit", "limit"}}));
  if (!reply.ok() || !reply->ok()) return Fail(s, "tickets", "/tickets", reply);
  json j = AnswerJson(*reply, false);
  if (s.json()) return Done(s, "tickets", "/tickets", *reply, "");
  s.out() << TicketsText(j);
  return kExitOk;
}

int Earnings(Session& s, const Values& v) {
  auto reply = s.client().Get("/earnings", Form(v, {{"rounds", "rounds"}}));
  if (!reply.ok() || !reply->ok()) return Fail(s, "earnings", "/earnings", reply);
  if (s.json()) return Done(s, "earnings", "/earnings", *reply, "");
  s.out() << EarningsText(AnswerJson(*reply, false));
  return kExitOk;
}

// ---- the table -----------------------------------------------------------------------------

// A command that POSTs its options as go-livepeer's parameters.
Command Simple(std::string name, std::string label, std::string help, std::string path,
               std::vector<std::pair<CliOption, std::string>> options, std::string done) {
  Command c;
  c.name = name;
  c.menu_label = std::move(label);
  c.help = std::move(help);
  std::vector<std::pair<std::string, std::string>> map;
  for (auto& [o, param] : options) {
    map.emplace_back(o.flag, param);
    c.options.push_back(o);
  }
  c.run = [name, path, map, done, opts = c.options](Session& s, const Values& v) {
    Params form;
    for (const auto& o : opts)
      if (o.required && Value(v, o.flag).empty())
        return Usage(s, name, "--" + o.flag + " is required (" + o.help + ")");
    for (const auto& [flag, param] : map)
      if (auto x = Value(v, flag); !x.empty()) form.emplace_back(param, x);
    return Post(s, name, path, form, done);
  };
  return c;
}

Command Show(std::string name, std::string label, std::string help, std::string path) {
  Command c;
  c.name = name;
  c.menu_label = std::move(label);
  c.help = std::move(help);
  c.run = [name, path](Session& s, const Values&) { return GetAndShow(s, name, path); };
  return c;
}

std::vector<Command> BuildCommands() {
  const std::vector<CliOption> orchestrator_options = {
      {"reward-cut", "percent of the block reward the orchestrator keeps (e.g. 10)"},
      {"fee-cut", "percent of fees the orchestrator keeps (sent as feeShare = 100 - fee cut)"},
      {"fee-share", "percent of fees shared with delegators (instead of --fee-cut)"},
      {"per-unit", "price in wei per --pixels-per-unit pixels"},
      {"pixels-per-unit", "pixels the price covers (default 1)"},
      {"currency", "price currency (default wei)"},
      {"service-uri", "public https://host:port gateways use"}};
  std::vector<Command> v;
  {
    Command c;
    c.name = "status";
    c.menu_label = "Get node status";
    c.help = "the node, its chain state (on chain), prices and winning tickets";
    c.run = Status;
    c.ask = [](Session&) { return std::optional<Values>(Values{}); };
    v.push_back(c);
  }
  v.push_back(Show("protocol-parameters", "View protocol parameters",
                   "the protocol's parameters (round length, inflation, ...)",
                   "/protocolParameters"));
  v.push_back(Show("orchestrators", "List registered orchestrators", "the active orchestrator pool",
                   "/registeredOrchestrators"));
  v.push_back(Simple("initialize-round", "Invoke \"initialize round\"",
                     "initialize the current round", "/initializeRound", {}, "Round initialized."));
  {
    Command c = Simple("bond", "Invoke \"bond\"", "bond LPT to an orchestrator", "/bond",
                       {{{"to", "orchestrator address to bond to", "", true}, "toAddr"},
                        {{"amount", "LPT wei to bond", "", true}, "amount"}},
                       "Bonded.");
    c.ask = [](Session& s) -> std::optional<Values> {
      if (auto list = GetJson(s, "/registeredOrchestrators")) s.out() << HumanText(*list);
      if (auto bal = GetText(s, "/tokenBalance"))
        s.out() << "Current token balance: " << *bal << "\n";
      Values v;
      auto to = s.Ask("Enter the address of the orchestrator to bond to");
      if (!to) return std::nullopt;
      auto amount = s.Ask("Enter bond amount (LPT wei)");
      if (!amount) return std::nullopt;
      v["to"] = *to;
      v["amount"] = *amount;
      return v;
    };
    v.push_back(c);
  }
  {
    Command c = Simple("unbond", "Invoke \"unbond\"", "unbond LPT", "/unbond",
                       {{{"amount", "LPT wei to unbond", "", true}, "amount"}}, "Unbonded.");
    c.ask = [](Session& s) -> std::optional<Values> {
      if (auto d = GetJson(s, "/delegatorInfo"))
        s.out() << "Current bonded amount: " << Scalar((*d).value("BondedAmount", json(0))) << "\n";
      auto amount = s.Ask("Enter unbond amount (LPT wei)");
      if (!amount) return std::nullopt;
      return Values{{"amount", *amount}};
    };
    v.push_back(c);
  }
  {
    Command c = Simple("rebond", "Invoke \"rebond\"", "rebond an unbonding lock", "/rebond",
                       {{{"lock", "unbonding lock ID", "", true}, "unbondingLockId"},
                        {{"to", "orchestrator to rebond to (rebond from unbonded)"}, "toAddr"}},
                       "Rebonded.");
    c.ask = [](Session& s) -> std::optional<Values> {
      if (auto locks = GetJson(s, "/unbondingLocks")) s.out() << HumanText(*locks);
      auto id = s.Ask("Enter the identifier of the unbonding lock you would like to rebond with");
      if (!id) return std::nullopt;
      return Values{{"lock", *id}};
    };
    v.push_back(c);
  }
  {
    Command c =
        Simple("withdraw-stake", "Invoke \"withdraw stake\" (LPT)",
               "withdraw an unbonded lock's LPT", "/withdrawStake",
               {{{"lock", "unbonding lock ID", "", true}, "unbondingLockId"}}, "Stake withdrawn.");
    c.ask = [](Session& s) -> std::optional<Values> {
      if (auto locks = GetJson(s, "/unbondingLocks", {{"withdrawable", "true"}}))
        s.out() << HumanText(*locks);
      auto id = s.Ask("Enter the identifier of the unbonding lock you would like to withdraw");
      if (!id) return std::nullopt;
      return Values{{"lock", *id}};
    };
    v.push_back(c);
  }
  {
    Command c = Simple(
        "withdraw-fees", "Invoke \"withdraw fees\" (ETH)", "withdraw earned fees", "/withdrawFees",
        {{{"amount", "wei to withdraw (menu: all pending fees)"}, "amount"}}, "Fees withdrawn.");
    auto simple_run = c.run;
    c.run = [simple_run](Session& s, const Values& v) {
      Values with = v;
      if (Value(v, "amount").empty()) {
        if (auto d = GetJson(s, "/delegatorInfo"))
          with["amount"] = Scalar((*d).value("PendingFees", json(0)));
      }
      return simple_run(s, with);
    };
    c.ask = [](Session& s) { return std::optional<Values>(Values{}); };
    v.push_back(c);
  }
  {
    Command c = Simple("transfer", "Invoke \"transfer\" (LPT)", "transfer LPT to an address",
                       "/transferTokens",
                       {{{"to", "recipient address", "", true}, "to"},
                        {{"amount", "LPT wei", "", true}, "amount"}},
                       "Transferred.");
    c.ask = [](Session& s) -> std::optional<Values> {
      if (auto bal = GetText(s, "/tokenBalance"))
        s.out() << "Current token balance: " << *bal << "\n";
      auto to = s.Ask("Enter receipient address");
      if (!to) return std::nullopt;
      auto amount = s.Ask("Enter amount (LPT wei)");
      if (!amount) return std::nullopt;
      if (!s.Confirm("Transfer " + *amount + " LPT wei to " + *to + "?")) return std::nullopt;
      return Values{{"to", *to}, {"amount", *amount}};
    };
    v.push_back(c);
  }
  {
    Command c;
    c.name = "reward";
    c.menu_label = "Invoke \"reward\"";
    c.help = "call reward for the current round (unless already called; --force sends anyway)";
    c.options = {{"force", "send even if this round's reward was called (yes)"}};
    c.run = Reward;
    c.ask = [](Session&) { return std::optional<Values>(Values{}); };
    v.push_back(c);
  }
  {
    Command c;
    c.name = "activate";
    c.menu_label = "Invoke multi-step \"become an orchestrator\"";
    c.help =
        "register as an orchestrator: bond (--amount) or rebond (--lock), set cuts, price "
        "and service URI";
    c.options = orchestrator_options;
    c.options.push_back({"amount", "LPT wei to bond to yourself first"});
    c.options.push_back({"lock", "unbonding lock ID to rebond to yourself instead"});
    c.run = Activate;
    c.ask = [](Session& s) { return AskOrchestratorConfig(s, true); };
    v.push_back(c);
  }
  {
    Command c;
    c.name = "set-config";
    c.menu_label = "Set orchestrator config";
    c.help = "change price, reward and fee cut, service URI (each optional)";
    c.options = orchestrator_options;
    c.run = SetConfig;
    c.ask = [](Session& s) { return AskOrchestratorConfig(s, false); };
    v.push_back(c);
  }
  v.push_back(Simple("set-max-gas-price", "Set maximum Ethereum gas price",
                     "gas price ceiling for the node's transactions", "/setMaxGasPrice",
                     {{{"amount", "wei; 0 clears the ceiling", "", true}, "amount"}},
                     "Maximum gas price set."));
  v.push_back(Simple("set-min-gas-price", "Set minimum Ethereum gas price",
                     "gas price floor for the node's transactions", "/setMinGasPrice",
                     {{{"amount", "wei", "", true}, "minGasPrice"}}, "Minimum gas price set."));
  v.push_back(Simple("request-tokens", "Get test LPT", "testnet faucet: request test LPT",
                     "/requestTokens", {}, "Test LPT requested."));
  {
    Command c;
    c.name = "sign";
    c.menu_label = "Sign a message";
    c.help = "sign a message with the node's account (EIP-191)";
    c.options = {{"message", "the text to sign", "", true}};
    c.run = [](Session& s, const Values& v) {
      if (Value(v, "message").empty()) return Usage(s, "sign", "--message is required");
      return Post(s, "sign", "/signMessage", {{"message", Value(v, "message")}}, "", {}, true);
    };
    v.push_back(c);
  }
  {
    Command c;
    c.name = "sign-typed-data";
    c.menu_label = "Sign typed data";
    c.help = "sign EIP-712 typed data (JSON) with the node's account";
    c.options = {{"data", "the typed data, JSON", "", true}};
    c.run = [](Session& s, const Values& v) {
      if (Value(v, "data").empty()) return Usage(s, "sign-typed-data", "--data is required");
      return Post(s, "sign-typed-data", "/signMessage", {{"message", Value(v, "data")}}, "",
                  {{"SigFormat", "data/typed"}}, true);
    };
    v.push_back(c);
  }
  v.push_back(Simple("vote", "Vote in a governance poll", "vote in a poll", "/vote",
                     {{{"poll", "the poll's contract address", "", true}, "poll"},
                      {{"choice", "0 = Yes, 1 = No", "", true}, "choiceID"}},
                     "Voted."));
  v.push_back(Simple("vote-proposal", "Vote on a treasury proposal", "vote on a proposal",
                     "/voteOnProposal",
                     {{{"proposal", "proposal ID", "", true}, "proposalID"},
                      {{"support", "0 = Against, 1 = For, 2 = Abstain", "", true}, "support"},
                      {{"reason", "a reason (optional)"}, "reason"}},
                     "Voted."));
  v.push_back(Simple("set-max-face-value", "Set max ticket face value",
                     "cap on a winning ticket's face value", "/setMaxFaceValue",
                     {{{"wei", "maximum face value in wei", "", true}, "maxfacevalue"}},
                     "Ticket max face value set."));
  v.push_back(Simple(
      "set-price", "Set price for broadcaster",
      "price for one gateway, or the default price (--gateway default)", "/setPriceForBroadcaster",
      {{{"per-unit", "price in wei per --pixels-per-unit pixels", "", true}, "pricePerUnit"},
       {{"pixels-per-unit", "pixels the price covers", "1", true}, "pixelsPerUnit"},
       {{"gateway", "gateway's 0x address, or default", "default", true}, "broadcasterEthAddr"},
       {{"currency", "price currency (default wei)"}, "currency"}},
      "Price set."));
  {
    Command& c = v.back();
    auto simple_run = c.run;
    c.run = [simple_run](Session& s, const Values& v) {
      Values with = v;
      with.emplace("pixels-per-unit", "1");
      with.emplace("gateway", "default");
      return simple_run(s, with);
    };
  }
  v.push_back(Simple(
      "set-max-sessions", "Set maximum sessions", "concurrent transcode sessions the node takes",
      "/setMaxSessions",
      {{{"max", "a number from 1 (or auto where the node offers it)", "", true}, "maxSessions"}},
      "Max sessions set."));
  // Baton's own.
  {
    Command c;
    c.name = "tickets";
    c.menu_label = "List winning tickets";
    c.help = "the winning-ticket ledger, newest first";
    c.options = {{"state", "queued, submitted, redeemed, failed or expired"},
                 {"sender", "a gateway's 0x address"},
                 {"limit", "at most this many", "20"}};
    c.run = Tickets;
    v.push_back(c);
  }
  v.push_back(Simple("redeem", "Redeem a winning ticket now",
                     "redeem one ticket now, whatever the gas threshold says", "/redeemTicket",
                     {{{"id", "the ticket's ledger id (see tickets)", "", true}, "id"}},
                     "Redeemed."));
  {
    Command c;
    c.name = "earnings";
    c.menu_label = "Earnings per round";
    c.help = "winning tickets' face value per round: won, redeemed, pending, lost";
    c.options = {{"rounds", "how many rounds back", "30"}};
    c.run = Earnings;
    v.push_back(c);
  }
  v.push_back(Simple("claim-earnings", "", "claim earnings up to the current round",
                     "/claimEarnings", {}, "Earnings claimed."));
  {
    Command c;
    c.name = "log-level";
    c.help = "show the node's log level, or set it with --set 0..6";
    c.options = {{"set", "the new level, 0..6"}};
    c.run = [](Session& s, const Values& v) {
      if (Value(v, "set").empty()) return GetAndShow(s, "log-level", "/getLogLevel");
      return Post(s, "log-level", "/setLogLevel", {{"loglevel", Value(v, "set")}},
                  "Log level set to " + Value(v, "set") + ".");
    };
    v.push_back(c);
  }
  return v;
}

}  // namespace

int RunGuarded(Session& s, const Command& c, const Values& values) {
  // An answer of an unexpected shape (a node of another version) must not end the program
  // with an exception: say so and go on.
  try {
    return c.run(s, values);
  } catch (const std::exception& e) {
    Usage(s, c.name,
          std::string("the node's answer was not what baton-cli expects (") + e.what() +
              "): are baton and baton-cli the same version?");
    return kExitRefused;
  }
}

std::optional<std::string> Session::Ask(const std::string& prompt,
                                        const std::string& default_value) {
  out_ << prompt;
  if (!default_value.empty()) out_ << " (default: " << default_value << ")";
  out_ << (prompt == ">" ? " " : " - ") << std::flush;
  std::string line;
  if (!std::getline(in_, line)) return std::nullopt;
  line = std::string(absl::StripAsciiWhitespace(line));
  return line.empty() ? default_value : line;
}

bool Session::Confirm(const std::string& question) {
  if (assume_yes_) return true;
  for (;;) {
    auto a = Ask(question + " (y/n)");
    if (!a) return false;
    if (*a == "y" || *a == "yes") return true;
    if (*a == "n" || *a == "no") return false;
    out_ << "Enter (y)es or (n)o\n";
  }
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>(BuildCommands());
  return *commands;
}

const Command* FindCommand(const std::string& name) {
  for (const auto& c : Commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<MenuItem> Menu(bool testnet) {
  // livepeer_cli's orchestrator menu, in its order (doc/ops.md 3).
  const std::vector<std::string> order = {"status",
                                          "protocol-parameters",
                                          "orchestrators",
                                          "initialize-round",
                                          "bond",
                                          "unbond",
                                          "rebond",
                                          "withdraw-stake",
                                          "withdraw-fees",
                                          "transfer",
                                          "reward",
                                          "activate",
                                          "set-config",
                                          "set-max-gas-price",
                                          "set-min-gas-price",
                                          "sign",
                                          "sign-typed-data",
                                          "vote",
                                          "vote-proposal",
                                          "set-max-face-value",
                                          "set-price",
                                          "set-max-sessions"};
  std::vector<MenuItem> items;
  int n = 0;
  for (const auto& name : order) {
    items.push_back({std::to_string(++n), FindCommand(name)->menu_label, name});
    if (testnet && name == "set-min-gas-price") {
      items.push_back({std::to_string(++n), "Get test LPT", "request-tokens"});
      items.push_back({std::to_string(++n), "Get test ETH", ""});
    }
  }
  items.push_back({std::to_string(++n), "Exit", ""});
  items.push_back({"t", FindCommand("tickets")->menu_label, "tickets"});
  items.push_back({"r", FindCommand("redeem")->menu_label, "redeem"});
  items.push_back({"e", FindCommand("earnings")->menu_label, "earnings"});
  return items;
}

int RunMenu(Session& s) {
  std::string chain_id = "0";
  if (auto id = s.client().Get("/EthChainID"); id.ok() && id->ok())
    chain_id = std::string(absl::StripAsciiWhitespace(id->body));
  const bool testnet = chain_id == "4" || chain_id == "54321" || chain_id == "421611";
  const auto items = Menu(testnet);
  s.out() << "+-----------------------------------------------------------+\n"
          << "| Welcome to baton-cli, your Baton orchestrator command line |\n"
          << "| (livepeer_cli's menu, same items, same numbers)            |\n"
          << "+-----------------------------------------------------------+\n\n";
  if (int rc = RunGuarded(s, *FindCommand("status"), {}); rc == kExitUnreachable) return rc;
  for (;;) {
    s.out() << "\nWhat would you like to do? (default = stats)\n";
    for (const auto& item : items)
      s.out() << (absl::ascii_isdigit(item.key[0]) ? " " : "  ") << item.key << ". " << item.label
              << "\n";
    auto choice = s.Ask(">");
    if (!choice) return kExitOk;  // end of input
    if (choice->empty()) choice = "1";
    const MenuItem* item = nullptr;
    for (const auto& i : items)
      if (i.key == *choice) item = &i;
    if (item == nullptr) {
      s.out() << "That's not something I can do\n";
      continue;
    }
    if (item->label == "Exit") return kExitOk;
    if (item->label == "Get test ETH") {
      s.out() << "Use the testnet's ETH faucet for the node's account (see status).\n";
      continue;
    }
    const Command* c = FindCommand(item->command);
    auto values = c->ask ? c->ask(s) : AskOptions(s, *c);
    if (!values) {
      s.out() << "\nCancelled.\n";
      if (s.AtEnd()) return kExitOk;
      continue;
    }
    RunGuarded(s, *c, *values);
  }
  return kExitOk;
}

std::optional<std::string> ParseOptions(const Command& command,
                                        const std::vector<std::string>& args, Values* values) {
  // The one flag parser (common/flags.h), from the command line only. --force is a switch;
  // every other option takes a value.
  FlagSet flags;
  for (const auto& o : command.options) {
    const bool is_switch = o.flag == "force";
    flags.Define({o.flag, is_switch ? FlagKind::kBool : FlagKind::kString, is_switch ? "false" : "",
                  o.help});
  }
  if (absl::Status s = flags.Parse(args, {}); !s.ok()) {
    // In the action's words: its options are --name.
    constexpr std::string_view kUndefined = "flag provided but not defined: -";
    const std::string message(s.message());
    if (message.rfind(kUndefined, 0) == 0)
      return "unknown option --" + message.substr(kUndefined.size()) + " for " + command.name;
    return std::string(message);
  }
  for (const auto& o : command.options) {
    if (!flags.IsSet(o.flag)) continue;
    if (o.flag == "force") {
      if (flags.GetBool("force")) (*values)["force"] = "yes";
    } else {
      (*values)[o.flag] = flags.GetString(o.flag);
    }
  }
  return std::nullopt;
}

std::string CommandHelp(const Command& c) {
  std::string out = "baton-cli " + c.name;
  for (const auto& o : c.options)
    out += o.required ? " --" + o.flag + " V" : " [--" + o.flag + " V]";
  out += "\n  " + c.help + "\n";
  for (const auto& o : c.options)
    out += "  --" + o.flag + ": " + o.help + (o.required ? " (required)" : "") + "\n";
  return out;
}

std::string UsageText() {
  std::string out =
      "baton-cli: the operator's tool for a Baton node (livepeer_cli's menu and more)\n\n"
      "  baton-cli [global options]                 the interactive menu\n"
      "  baton-cli [global options] ACTION [options]  one action\n"
      "  baton-cli help [ACTION]\n\n"
      "Global options:\n"
      "  --cli-addr HOST:PORT  the node's -cliAddr (default 127.0.0.1:7935)\n"
      "  -host HOST, -http PORT  the same, as livepeer_cli takes them\n"
      "  --datadir DIR         the node's -dataDir: its operator.cookie token is sent\n"
      "  --token TOKEN         the operator token itself\n"
      "  --json                one JSON object on stdout, for scripts\n"
      "  --yes                 answer yes to confirmations\n\n"
      "Actions:\n";
  for (const auto& item : Menu(false)) {
    if (item.command.empty()) continue;
    out += absl::StrCat("  ", item.command,
                        std::string(22 - std::min<size_t>(21, item.command.size()), ' '), "[menu ",
                        item.key, "] ", FindCommand(item.command)->help, "\n");
  }
  for (const auto& c : Commands())
    if (c.menu_label.empty() || c.name == "request-tokens")
      out += absl::StrCat("  ", c.name, std::string(22 - std::min<size_t>(21, c.name.size()), ' '),
                          c.help, "\n");
  out += "\nExit codes: 0 done, 1 the node refused or failed, 2 usage, 3 node unreachable.\n";
  return out;
}

}  // namespace baton::cli
