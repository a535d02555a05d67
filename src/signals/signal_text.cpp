#include "signals/signal_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace doelenboom::detail::signals {

namespace {

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// A denominator scale with thousands grouped: "1.000" (nl), "1,000" (en); others as plain numbers.
std::string scale_text(double scale, Lang lang) {
  if (scale == std::floor(scale) && std::fabs(scale) < 1e15) {
    std::string digits = fixed(std::fabs(scale), 0);
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
      digits.insert(static_cast<std::size_t>(i), 1, lang == Lang::nl ? '.' : ',');
    }
    return (scale < 0 ? "-" : "") + digits;
  }
  return localise(trim_zeros(fixed(scale, 6)), lang);
}

}  // namespace

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  std::string s = trim_zeros(buf);
  if (s == "-0") s = "0";
  return s;
}

std::string localise(std::string s, Lang lang) {
  if (lang == Lang::nl) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string plain(double x, Lang lang) {
  const int decimals = std::fabs(x) >= 100 ? 0 : (std::fabs(x) >= 10 ? 1 : 2);
  return localise(fixed(x, decimals), lang);
}

std::string p_text(double p, Lang lang) {
  if (p < 0.001) return localise("p < 0.001", lang);
  return localise("p = " + fixed(p, 3), lang);
}

std::string z_text(double z, Lang lang) { return localise(fixed(z, 2), lang); }

std::string per_text(const Treatment& t, Lang lang) {
  if (t.denominator.empty()) return {};
  const bool one = t.denominator_scale == 1.0;
  std::string what = t.denominator;
  if (t.denominator == "population") {
    what = lang == Lang::nl ? (one ? "inwoner" : "inwoners") : (one ? "inhabitant" : "inhabitants");
  } else if (t.denominator == "land_area_km2") {
    what = "km²";
  }
  return "per " + (one ? std::string() : scale_text(t.denominator_scale, lang) + " ") + what;
}

std::string peer_name(const std::string& attribute, Lang lang) {
  if (attribute == "size_class") return lang == Lang::nl ? "grootteklasse" : "size class";
  if (attribute == "province") return lang == Lang::nl ? "provincie" : "province";
  return attribute;
}

std::string NodeInfo::value(double x, Lang lang, bool raw) const {
  if (!indicator) return "score " + localise(fixed(x, 1), lang);
  const std::string& per = lang == Lang::nl ? per_nl : per_en;
  if (measure == Measure::proportion && (raw || per.empty())) return localise(fixed(100.0 * x, 1), lang) + "%";
  std::string out = plain(x, lang) + (unit_text.empty() || unit_text == "%" ? unit_text : " " + unit_text);
  if (!raw && !per.empty()) out += " " + per;
  return out;
}

std::string NodeInfo::difference(double d, Lang lang) const {
  if (indicator && measure == Measure::proportion) {
    return localise(fixed(100.0 * d, 1), lang) + (lang == Lang::nl ? " procentpunt" : " percentage points");
  }
  return indicator ? value(d, lang) : localise(fixed(d, 1), lang);
}

}  // namespace doelenboom::detail::signals
