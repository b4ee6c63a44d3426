// LlmDrafter: an optional Drafter that asks a language model for the reply, through any OpenAI-compatible
// chat completions endpoint (a local llama.cpp or Ollama server, or a hosted one). It sends the brand's
// voice, the situation the templates would answer, the language, script and length to answer in, and the
// thread; it checks what comes back, and on any failure returns the fallback drafter's draft with a note
// for the approver saying why. Off unless a brand's settings choose it (daemon/brand_drafter.h).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/http_client.h"
#include "responders/drafter.h"

namespace odziv::responders {

struct LlmDrafterSettings {
  // The server, e.g. http://127.0.0.1:8080 (llama.cpp) or http://127.0.0.1:11434 (Ollama); the request goes
  // to <base_url>/v1/chat/completions (a base_url that already ends in /v1 is not given a second one).
  std::string base_url;
  // The model's name as the server knows it ("qwen2.5:7b-instruct"); llama.cpp serves one and ignores it.
  std::string model;
  // Sent as "Authorization: Bearer …" when not empty. Already resolved from a secret reference by the
  // caller; never written into a request body, a note or an error message.
  std::string api_key;
  // The whole exchange. A small model on a CPU writes a short reply in a few seconds; 20 s bounds a busy
  // one, and the templates answer at once when it is exceeded.
  std::chrono::milliseconds timeout{20000};
  // Low: keeps the model to the brand's voice and the facts of the post, with some variety of wording.
  double temperature = 0.3;
  // Upper bound on the answer's length in tokens; 512 leaves room above the longest reply asked for (a
  // few sentences), so an answer cut short at this bound is treated as a failure.
  int max_tokens = 512;
};

// The drafter. `http` outlives it. `fallback` (the brand's template drafter) writes the draft whenever the
// model fails: HTTP error or timeout, an answer that is not the documented JSON, a refusal, an answer cut
// at max_tokens, or one that fails the checks (empty; over PlatformReplyLimit in graphemes; containing
// personal data other than the brand's own private channel or signature; identical to a draft already in
// the thread). Its draft then carries the note "language model unavailable: <why>; written from
// templates" (or "language model draft not used: <why>; …" when the model answered but failed the checks).
// A draft the model wrote has situation "llm:<situation>" and a note naming the model. Write() returns an
// error only when the fallback does. Thread-safe when `http` and `fallback` are.
std::unique_ptr<Drafter> MakeLlmDrafter(LlmDrafterSettings settings, HttpClient& http,
                                        std::unique_ptr<Drafter> fallback);

// The JSON body of the chat completions request for `request` (model, messages, temperature, max_tokens).
// Pure: tests and the docs' example come from it.
std::string BuildLlmChatBody(const LlmDrafterSettings& settings, const DraftRequest& request);

// The reply text in a chat completions answer (choices[0].message.content, trimmed, surrounding quotes
// removed). kMalformed when the body is not that shape; kFailedPrecondition when the model refused, was
// cut at max_tokens, or answered with nothing.
[[nodiscard]] Result<std::string> ParseLlmChatAnswer(std::string_view body);

}  // namespace odziv::responders
