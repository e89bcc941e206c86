# The fuzz targets, as pairs: name, harness (under src/, beside the parser it drives). Read by
# the fuzz build (fuzz/project) and by the main build's CTest registration (fuzz/CMakeLists.txt).
set(FUZZ_TARGETS
  segment_credentials orchestrator/segment_credentials_fuzz.cc
  cli_answers cli/answer_text_fuzz.cc
  orchestrator_grpc orchestrator/orchestrator_service_fuzz.cc
  http1_codec net/http1_codec_fuzz.cc
  http2_codec net/http2_codec_fuzz.cc
  grpc_frame net/grpc_frame_fuzz.cc
  docker_responses ai/docker_client_fuzz.cc
  payment_header pm/payment_header_fuzz.cc
  eth_decoders eth/decoders_fuzz.cc
  json_rpc eth/json_rpc_fuzz.cc
  go_json operator/go_json_fuzz.cc
  multipart net/multipart_fuzz.cc
  ai_request ai/ai_request_fuzz.cc
  worker_job ai/worker_job_fuzz.cc
  runner_answer ai/runner_answer_fuzz.cc)
