#include <catch2/catch.hpp>

#include "platforms/html_text.h"

namespace odziv::platforms {
namespace {

TEST_CASE("HTML is reduced to text: tags, breaks, entities, scripts") {
  CHECK(HtmlToText("<p>Hello <b>world</b></p><p>Second&nbsp;para &amp; more</p>") == "Hello world\n\nSecond para & more");
  CHECK(HtmlToText("line<br>next<br/>last") == "line\nnext\nlast");
  CHECK(HtmlToText("a<script>alert('x')</script>b<style>p{}</style>c") == "abc");
  CHECK(HtmlToText("&#268;ekam &#x161;to &lt;3 &unknown; &") == "Čekam što <3 &unknown; &");
  CHECK(HtmlToText("<ul><li>one</li><li>two</li></ul>") == "one\ntwo");
  CHECK(HtmlToText("broken <a href=") == "broken");
  CHECK(HtmlToText("   spaced    out   ") == "spaced out");
  CHECK(HtmlToText("<!-- hidden -->shown") == "shown");
}

}  // namespace
}  // namespace odziv::platforms
