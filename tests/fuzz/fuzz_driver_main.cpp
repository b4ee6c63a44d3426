// A small stand-in for libFuzzer's driver, for compilers without -fsanitize=fuzzer (g++): runs
// LLVMFuzzerTestOneInput on every file given, then on seeded random mutations of them for -runs=N
// inputs or -max_total_time=S seconds. Build with -DODZIV_SANITIZE=ON to have ASan and UBSan watch.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  long runs = 100000;
  double max_seconds = 0;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("-runs=", 0) == 0) runs = std::stol(arg.substr(6));
    else if (arg.rfind("-max_total_time=", 0) == 0) max_seconds = std::stod(arg.substr(16));
    else if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        std::ifstream f(e.path(), std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      }
    } else {
      std::ifstream f(arg, std::ios::binary);
      corpus.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
  }
  if (corpus.empty()) corpus.emplace_back("ne valja :( čekam 😡");
  for (const std::string& c : corpus) LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(c.data()), c.size());

  std::mt19937_64 rng(20261123);
  auto start = std::chrono::steady_clock::now();
  std::string input;
  long done = 0;
  for (; done < runs; ++done) {
    if (max_seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > max_seconds)
      break;
    input = corpus[rng() % corpus.size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = input.empty() ? 0 : rng() % (input.size() + 1);
      switch (rng() % 4) {
        case 0: input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng())); break;
        case 1: if (at < input.size()) input.erase(at, 1 + rng() % 4); break;
        case 2: if (at < input.size()) input[at] = static_cast<char>(rng()); break;
        default: {  // splice a piece of another input
          const std::string& other = corpus[rng() % corpus.size()];
          if (!other.empty()) {
            std::size_t from = rng() % other.size();
            input.insert(std::min(at, input.size()), other.substr(from, 1 + rng() % 16));
          }
        }
      }
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
  std::printf("sentiment_fuzz: %ld inputs, no failures\n", done + static_cast<long>(corpus.size()));
  return 0;
}
