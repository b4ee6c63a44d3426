// Two-decimal numbers in reasons ("-0.62", "+1.28") without the general decimal conversion, which costs
// more than the rest of a reason. Rounds the exact binary value half to even, as printf and fmt do: the
// value times 100 is exact in a long double of 64 mantissa bits (a double's 53 bits plus 100's 7), so
// rounding that product is the correct rounding of the value itself.
#pragma once

#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>

#include <fmt/format.h>

namespace odziv::sentiment {

// Appends `v` with two decimals; '+' before non-negative values when `plus`. Same text as
// fmt::format("{:.2f}") (or "{:+.2f}").
inline void AppendFixed2(std::string& out, double v, bool plus) {
  long double hundredths = std::nearbyint(std::fabs(static_cast<long double>(v)) * 100.0L);
  if (std::numeric_limits<long double>::digits < 64 || !(hundredths < 1e15L)) {
    if (plus) fmt::format_to(std::back_inserter(out), "{:+.2f}", v);
    else fmt::format_to(std::back_inserter(out), "{:.2f}", v);
    return;
  }
  auto n = static_cast<std::uint64_t>(hundredths);
  if (std::signbit(v)) out.push_back('-');
  else if (plus) out.push_back('+');
  char digits[24];
  int len = 0;
  for (std::uint64_t whole = n / 100; len == 0 || whole > 0; whole /= 10) digits[len++] = static_cast<char>('0' + whole % 10);
  while (len > 0) out.push_back(digits[--len]);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + n / 10 % 10));
  out.push_back(static_cast<char>('0' + n % 10));
}

}  // namespace odziv::sentiment
