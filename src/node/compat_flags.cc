#include "node/compat_flags.h"

#include <algorithm>

namespace baton::node {
namespace {

using D = CompatDisposition;

// Reasons shared by many flags.
constexpr char kGatewayOnly[] =
    "it only configures a gateway (Baton is an orchestrator), so ignoring it changes nothing "
    "here";
constexpr char kLiveAi[] =
    "live AI (live-video-to-video runners, trickle, MediaMTX) is not supported by Baton; "
    "remove the flag";

CompatFlag Ignored(std::string name, std::string why, bool boolean = false,
                   std::string inert = "") {
  return {std::move(name), boolean, std::move(inert), D::kIgnored, std::move(why)};
}
CompatFlag Refused(std::string name, std::string why, bool boolean = false,
                   std::string inert = "") {
  return {std::move(name), boolean, std::move(inert), D::kRefused, std::move(why)};
}
CompatFlag Secret(CompatFlag f) {
  f.secret = true;
  return f;
}

}  // namespace

const std::vector<CompatFlag>& CompatFlags() {
  static const auto* table = new std::vector<CompatFlag>{
      // Network and addresses.
      Ignored("rtmpAddr", kGatewayOnly),
      Ignored("verifierUrl", kGatewayOnly),
      Ignored("verifierPath", kGatewayOnly),
      Ignored("localVerify", kGatewayOnly, true),
      Ignored("httpIngest", kGatewayOnly, true),
      // Gateway selection.
      Ignored("orchWebhookUrl", kGatewayOnly),
      Ignored("extraNodes", kGatewayOnly, false, "0"),
      Ignored("orchBlocklist", kGatewayOnly),
      Ignored("orchMinLivepeerVersion", kGatewayOnly),
      Ignored("selectRandFreq", kGatewayOnly),
      Ignored("selectStakeWeight", kGatewayOnly),
      Ignored("selectPriceWeight", kGatewayOnly),
      Ignored("selectPriceExpFactor", kGatewayOnly),
      Ignored("orchPerfStatsUrl", kGatewayOnly),
      Ignored("region", kGatewayOnly),
      Ignored("maxPricePerUnit", kGatewayOnly),
      Ignored("maxPricePerCapability", kGatewayOnly),
      Ignored("ignoreMaxPriceIfNeeded", kGatewayOnly, true),
      Ignored("minPerfScore", kGatewayOnly),
      Ignored("discoveryTimeout", kGatewayOnly),
      Ignored("gatewayHost", kGatewayOnly),
      // Roles.
      {"gateway", true, "false", D::kIgnoredWhenOrchestrator,
       "Baton is an orchestrator, not a gateway (use baton-gateway or go-livepeer for one)"},
      {"broadcaster", true, "false", D::kIgnoredWhenOrchestrator,
       "Baton is an orchestrator, not a gateway (use baton-gateway or go-livepeer for one)"},
      Ignored("transcodingOptions", kGatewayOnly),
      Ignored("maxAttempts", kGatewayOnly),
      Ignored("currentManifest", kGatewayOnly, true),
      // Transcoding hardware.
      Refused("netint",
              "NetInt transcoding cards are not supported by Baton; use -nvidia or software"),
      Ignored("testTranscoder",
              "Baton probes the encoders it offers at start (-nvidia) whatever this says", true,
              "true"),
      Refused("hevcDecoding",
              "Baton decides HEVC decoding from the probed hardware; forcing it would change "
              "the capabilities gateways are told, so remove the flag"),
      // AI.
      Refused("aiServerless", kLiveAi, true, "false"),
      Refused("useLiveRunners", kLiveAi, true, "false"),
      Refused("liveRunnerConfig", kLiveAi),
      Refused("liveRunnerProxyUrl", kLiveAi),
      Ignored("aiVerboseLogs", "a logging detail of AI runners", true),
      Ignored("aiProcessingRetryTimeout", kGatewayOnly),
      Refused("aiRunnerContainersPerGPU",
              "more than one AI runner per GPU is not supported; it would change the AI "
              "capacity gateways are told",
              false, "1"),
      Ignored("aiMinRunnerVersion", kGatewayOnly),
      Secret(Ignored("mediaMTXApiPassword", kGatewayOnly)),
      Refused("liveRunnerAddr", kLiveAi),
      Refused("liveAITrickleHostForRunner", kLiveAi),
      Secret(Ignored("liveAIAuthApiKey", kGatewayOnly)),
      Ignored("liveAIHeartbeatURL", kGatewayOnly),
      Secret(Ignored("liveAIHeartbeatHeaders", kGatewayOnly)),
      Ignored("liveAIHeartbeatInterval", kGatewayOnly),
      Ignored("liveAIAuthWebhookUrl", kGatewayOnly),
      Refused("livePaymentInterval", kLiveAi, false, "5s"),
      Refused("liveOutSegmentTimeout", kLiveAi, false, "0s"),
      Ignored("liveAISaveNSegments", kGatewayOnly),
      Refused("liveAICapRefreshModels", kLiveAi),
      Refused("liveAICapReportInterval", kLiveAi, false, "25m0s"),
      // Ethereum.
      Ignored("initializeRoundMaxDelay",
              "Baton initializes a round (with -initializeRound) as soon as it starts; the "
              "random delay only spreads the gas race between nodes"),
      Ignored("maxTicketEV", kGatewayOnly),
      Ignored("maxTotalEV", kGatewayOnly),
      Ignored("depositMultiplier", kGatewayOnly),
      Ignored("priceFeedAddr",
              "Baton prices in wei (or ETH) only, and -pricePerUnit refuses other currencies "
              "itself, so no price feed is read"),
      Refused("redeemer",
              "a standalone ticket-redemption service is not supported; Baton redeems its own "
              "tickets",
              true, "false"),
      Refused("redeemerAddr",
              "a remote redeemer is not supported: Baton redeems its own tickets, and ignoring "
              "the flag would move money differently than configured"),
      // Metrics and events.
      Ignored("metricsPerStream", "a metrics labelling detail", true),
      Ignored("metricsClientIP", "a metrics labelling detail", true),
      Ignored("metadataQueueUri", "Baton publishes no AMQP stream events"),
      Ignored("metadataAmqpExchange", "Baton publishes no AMQP stream events"),
      Ignored("metadataPublishTimeout", "Baton publishes no AMQP stream events"),
      Ignored("objectStore", "Baton returns transcoded segments in its responses"),
      Ignored("recordStore", kGatewayOnly),
      Ignored("FVfailGsbucket", kGatewayOnly),
      Secret(Ignored("FVfailGskey", kGatewayOnly)),
      Refused("authWebhookUrl",
              "the gateway authentication webhook is not implemented; ignoring it would serve "
              "gateways the webhook refuses and at prices it did not set"),
      Ignored("startupAvailabilityCheck",
              "Baton does not dial itself at start; check the service URI from outside", true,
              "true"),
      {"remoteSigner", true, "false", D::kRefused,
       "a remote signer is a gateway-side service; Baton is an orchestrator"},
      Ignored("remoteSignerUrl", kGatewayOnly),
      Secret(Ignored("remoteSignerHeaders", kGatewayOnly)),
      Ignored("remoteSignerWebhookUrl", kGatewayOnly),
      Secret(Ignored("remoteSignerWebhookHeaders", kGatewayOnly)),
      Ignored("remoteSignerAllowNoAuth", kGatewayOnly, true),
      Ignored("remoteDiscovery", kGatewayOnly, true),
      Ignored("kafkaBootstrapServers", kGatewayOnly),
      Ignored("kafkaUser", kGatewayOnly),
      Secret(Ignored("kafkaPassword", kGatewayOnly)),
      Ignored("kafkaGatewayTopic", kGatewayOnly),
      // cmd/livepeer/livepeer.go.
      Refused("j", "printing MistServer's JSON description is not supported", true, "false"),
  };
  return *table;
}

const std::vector<std::string>& GoLivepeerFlagNames() {
  // go-livepeer v0.9.1, commit 176aa41: cmd/livepeer/starter/flags.go in order, then the
  // flags cmd/livepeer/livepeer.go declares itself.
  static const auto* names = new std::vector<std::string>{
      "network", "rtmpAddr", "cliAddr", "httpAddr", "serviceAddr", "nodes", "verifierUrl",
      "verifierPath", "localVerify", "httpIngest", "orchAddr", "orchWebhookUrl", "extraNodes",
      "orchBlocklist", "orchMinLivepeerVersion", "selectRandFreq", "selectStakeWeight",
      "selectPriceWeight", "selectPriceExpFactor", "orchPerfStatsUrl", "region", "maxPricePerUnit",
      "maxPricePerCapability", "ignoreMaxPriceIfNeeded", "minPerfScore", "discoveryTimeout",
      "gatewayHost", "orchestrator", "transcoder", "gateway", "broadcaster", "orchSecret",
      "transcodingOptions", "maxAttempts", "maxSessions", "currentManifest", "nvidia", "netint",
      "testTranscoder", "hevcDecoding", "aiServiceRegistry", "aiWorker", "aiServerless",
      "useLiveRunners", "liveRunnerConfig", "liveRunnerProxyUrl", "aiModels", "aiModelsDir",
      "aiRunnerImage", "aiVerboseLogs", "aiRunnerImageOverrides", "aiProcessingRetryTimeout",
      "aiRunnerContainersPerGPU", "aiMinRunnerVersion", "mediaMTXApiPassword", "liveRunnerAddr",
      "liveAITrickleHostForRunner", "liveAIAuthApiKey", "liveAIHeartbeatURL",
      "liveAIHeartbeatHeaders", "liveAIHeartbeatInterval", "liveAIAuthWebhookUrl",
      "livePaymentInterval", "liveOutSegmentTimeout", "liveAISaveNSegments",
      "liveAICapRefreshModels", "liveAICapReportInterval", "ethAcctAddr", "ethPassword",
      "ethKeystorePath", "ethOrchAddr", "ethUrl", "transactionTimeout",
      "maxTransactionReplacements", "gasLimit", "minGasPrice", "maxGasPrice", "ethController",
      "initializeRound", "initializeRoundMaxDelay", "ticketEV", "maxFaceValue", "maxTicketEV",
      "maxTotalEV", "depositMultiplier", "pricePerUnit", "pixelsPerUnit", "priceFeedAddr",
      "autoAdjustPrice", "pricePerGateway", "pricePerBroadcaster", "blockPollingInterval",
      "redeemer", "redeemerAddr", "reward", "monitor", "metricsPerStream", "metricsClientIP",
      "metadataQueueUri", "metadataAmqpExchange", "metadataPublishTimeout", "datadir", "dataDir",
      "objectStore", "recordStore", "FVfailGsbucket", "FVfailGskey", "authWebhookUrl",
      "startupAvailabilityCheck", "remoteSigner", "remoteSignerUrl", "remoteSignerHeaders",
      "remoteSignerWebhookUrl", "remoteSignerWebhookHeaders", "remoteSignerAllowNoAuth",
      "remoteDiscovery", "kafkaBootstrapServers", "kafkaUser", "kafkaPassword", "kafkaGatewayTopic",
      // livepeer.go
      "j", "version", "v", "config"};
  return *names;
}

std::vector<std::string> DefineCompatFlags(FlagSet& flags) {
  std::vector<std::string> declared;
  for (const CompatFlag& c : CompatFlags()) {
    if (flags.Has(c.name)) continue;  // implemented by the node
    // Values are kept as text: an ignored flag's value is never used, a refused one only
    // compared with its inert value.
    std::string help = c.disposition == D::kIgnored ? "go-livepeer flag, ignored: " + c.why
                                                    : "go-livepeer flag, refused: " + c.why;
    flags.Define({c.name, c.boolean ? FlagKind::kBool : FlagKind::kString,
                  c.boolean && c.inert.empty() ? "false" : c.inert, help, c.secret});
    declared.push_back(c.name);
  }
  return declared;
}

absl::StatusOr<std::vector<std::string>> CheckCompatFlags(
    const FlagSet& flags, const std::vector<std::string>& declared) {
  std::vector<std::string> warnings;
  for (const CompatFlag& c : CompatFlags()) {
    if (std::find(declared.begin(), declared.end(), c.name) == declared.end()) continue;
    if (!flags.IsSet(c.name)) continue;
    std::string inert = c.boolean && c.inert.empty() ? "false" : c.inert;
    const std::string value = flags.GetString(c.name);
    bool asks = value != inert;
    if (asks && !c.boolean && !inert.empty()) {  // "0" asks for what "0s" does
      auto a = FlagSet::ParseGoDuration(value), b = FlagSet::ParseGoDuration(inert);
      if (a.ok() && b.ok() && *a == *b) asks = false;
    }
    D d = c.disposition;
    if (d == D::kIgnoredWhenOrchestrator)
      d = flags.Has("orchestrator") && flags.GetBool("orchestrator") ? D::kIgnored : D::kRefused;
    if (d == D::kRefused) {
      if (!asks) continue;  // set to what asks for nothing
      return absl::InvalidArgumentError("flag -" + c.name + " is not supported: " + c.why);
    }
    warnings.push_back("flag -" + c.name + " (go-livepeer) is accepted and ignored: " + c.why);
  }
  return warnings;
}

}  // namespace baton::node
