// Two-decimal numbers in reasons ("-0.62", "+1.28") without the general decimal conversion, which costs
// more than the rest of a reason. Rounds the exact binary value half to even, as printf and fmt do: the
// product of the value and 100 is rounded to a double first, and one fused multiply-add then tells, exactly,
// on which side of the halfway point between two neighbouring integers the exact product lies.
#pragma once

#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>

#include <fmt/format.h>

namespace odziv::sentiment {

// Appends `v` with two decimals; '+' before non-negative values when `plus`. Same text as
// fmt::format("{:.2f}") (or "{:+.2f}").
inline void AppendFixed2(std::string& out, double v, bool plus) {
  const double x = std::fabs(v);
  if (!(x < 1e12)) {  // huge, infinite or NaN: rare enough for the general conversion
    if (plus) fmt::format_to(std::back_inserter(out), "{:+.2f}", v);
    else fmt::format_to(std::back_inserter(out), "{:.2f}", v);
    return;
  }
  // The exact x·100 lies in [n − ε, n + 1), where n is the floor of the rounded product; its sign against
  // n + ½ (exact under 2⁵²) decides, and a tie goes to the even neighbour.
  auto n = static_cast<std::uint64_t>(x * 100);  // truncates, which is the floor here
  const double above_half = std::fma(x, 100, -(static_cast<double>(n) + 0.5));
  if (above_half > 0 || (above_half == 0 && n % 2 == 1)) ++n;

  char digits[24];
  char* end = digits + sizeof digits;
  char* p = end;
  *--p = static_cast<char>('0' + n % 10);
  *--p = static_cast<char>('0' + n / 10 % 10);
  *--p = '.';
  std::uint64_t whole = n / 100;
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole > 0);
  if (std::signbit(v)) *--p = '-';
  else if (plus) *--p = '+';
  out.append(p, static_cast<std::size_t>(end - p));
}

}  // namespace odziv::sentiment
