#include "traincore/optim/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

#include "traincore/core/errors.hpp"

namespace traincore {
namespace optim {

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const std::vector<double>& a) {
  double m = 0.0;
  for (double v : a) m = std::max(m, std::fabs(v));
  return m;
}

// The minimiser of the cubic through (a, fa, ga) and (b, fb, gb), kept inside the interval;
// bisection when the cubic has no usable minimum.
double cubic_minimiser(double a, double fa, double ga, double b, double fb, double gb) {
  const double d1 = ga + gb - 3.0 * (fa - fb) / (a - b);
  const double radicand = d1 * d1 - ga * gb;
  const double lo = std::min(a, b), hi = std::max(a, b);
  if (radicand >= 0) {
    const double d2 = (b > a ? 1.0 : -1.0) * std::sqrt(radicand);
    const double t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2.0 * d2);
    const double margin = 0.1 * (hi - lo);
    if (std::isfinite(t) && t > lo + margin && t < hi - margin) return t;
  }
  return 0.5 * (a + b);
}

struct LineSearch {
  const Objective& f;
  const std::vector<double>& x0;
  const std::vector<double>& direction;
  std::vector<double>& x;
  std::vector<double>& g;
  long long evaluations = 0;

  // phi(t) = f(x0 + t d); returns phi and sets dphi = g(x0 + t d) . d.
  double phi(double t, double& dphi) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = x0[i] + t * direction[i];
    const double value = f(x.data(), g.data());
    ++evaluations;
    dphi = dot(g, direction);
    return value;
  }
};

}  // namespace

void LbfgsConfig::validate() const {
  require(max_iter >= 1, "max_iter: must be >= 1, got ", max_iter);
  require(history >= 1, "history: must be >= 1");
  require(std::isfinite(gtol) && gtol >= 0, "tol: must be a finite number >= 0, got ", gtol);
  require(std::isfinite(ftol) && ftol >= 0, "ftol: must be a finite number >= 0");
  require(max_line_search >= 1, "max_line_search: must be >= 1");
}

LbfgsResult lbfgs_minimize(const Objective& f, double* x_io, std::size_t n, const LbfgsConfig& config) {
  config.validate();
  constexpr double c1 = 1e-4, c2 = 0.9;
  std::vector<double> x(x_io, x_io + n), g(n), x_new(n), g_new(n), d(n), q(n);
  std::deque<std::vector<double>> S, Y;
  std::deque<double> rho;
  LbfgsResult result;
  double value = f(x.data(), g.data());
  result.evaluations = 1;
  require(std::isfinite(value), "the objective is not finite at the starting point");

  for (result.iterations = 0; result.iterations < config.max_iter; ++result.iterations) {
    result.gradient_max = max_abs(g);
    if (result.gradient_max <= config.gtol) {
      result.converged = true;
      result.message = "gradient below tol";
      break;
    }
    // Two-loop recursion: d = -H g.
    q = g;
    std::vector<double> alpha(S.size());
    for (std::size_t k = S.size(); k-- > 0;) {
      alpha[k] = rho[k] * dot(S[k], q);
      for (std::size_t i = 0; i < n; ++i) q[i] -= alpha[k] * Y[k][i];
    }
    const double gamma = S.empty() ? 1.0 / std::max(1.0, std::sqrt(dot(g, g))) : dot(S.back(), Y.back()) / dot(Y.back(), Y.back());
    for (std::size_t i = 0; i < n; ++i) q[i] *= gamma;
    for (std::size_t k = 0; k < S.size(); ++k) {
      const double beta = rho[k] * dot(Y[k], q);
      for (std::size_t i = 0; i < n; ++i) q[i] += (alpha[k] - beta) * S[k][i];
    }
    for (std::size_t i = 0; i < n; ++i) d[i] = -q[i];
    double slope0 = dot(g, d);
    if (!(slope0 < 0)) {  // not a descent direction: restart from steepest descent
      S.clear(), Y.clear(), rho.clear();
      for (std::size_t i = 0; i < n; ++i) d[i] = -g[i];
      slope0 = -dot(g, g);
    }

    // Strong-Wolfe line search: bracket, then zoom (Nocedal & Wright, Algorithms 3.5 and 3.6).
    LineSearch ls{f, x, d, x_new, g_new};
    double t_prev = 0.0, f_prev = value, dphi_prev = slope0, t = 1.0, f_t = value, dphi = 0.0;
    bool found = false;
    double lo = 0, f_lo = value, d_lo = slope0, hi = 0, f_hi = 0, d_hi = 0;
    bool zoom = false;
    for (int trial = 0; trial < config.max_line_search; ++trial) {
      f_t = ls.phi(t, dphi);
      if (!std::isfinite(f_t) || f_t > value + c1 * t * slope0 || (trial > 0 && f_t >= f_prev)) {
        lo = t_prev, f_lo = f_prev, d_lo = dphi_prev, hi = t, f_hi = f_t, d_hi = dphi;
        zoom = true;
        break;
      }
      if (std::fabs(dphi) <= -c2 * slope0) {
        found = true;
        break;
      }
      if (dphi >= 0) {
        lo = t, f_lo = f_t, d_lo = dphi, hi = t_prev, f_hi = f_prev, d_hi = dphi_prev;
        zoom = true;
        break;
      }
      t_prev = t, f_prev = f_t, dphi_prev = dphi;
      t *= 2.0;
    }
    for (int trial = 0; zoom && !found && trial < config.max_line_search; ++trial) {
      t = std::isfinite(f_hi) ? cubic_minimiser(lo, f_lo, d_lo, hi, f_hi, d_hi) : 0.5 * (lo + hi);
      f_t = ls.phi(t, dphi);
      if (!std::isfinite(f_t) || f_t > value + c1 * t * slope0 || f_t >= f_lo) {
        hi = t, f_hi = f_t, d_hi = dphi;
      } else {
        if (std::fabs(dphi) <= -c2 * slope0) {
          found = true;
          break;
        }
        if (dphi * (hi - lo) >= 0) hi = lo, f_hi = f_lo, d_hi = d_lo;
        lo = t, f_lo = f_t, d_lo = dphi;
      }
      if (std::fabs(hi - lo) < 1e-16 * std::max(1.0, std::fabs(lo))) break;
    }
    result.evaluations += ls.evaluations;
    if (!found) {
      // Accept a sufficient decrease without the curvature condition, else give up.
      if (zoom && lo > 0 && f_lo < value) {
        double dphi_lo;
        f_t = ls.phi(lo, dphi_lo);
        ++result.evaluations;
      } else {
        result.message = "line search could not decrease the objective";
        result.converged = max_abs(g) <= std::max(config.gtol, 1e-12);
        break;
      }
    }
    // Update the history with s = x_new - x, y = g_new - g (skipped unless s.y > 0).
    std::vector<double> s(n), y(n);
    for (std::size_t i = 0; i < n; ++i) s[i] = x_new[i] - x[i], y[i] = g_new[i] - g[i];
    const double sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.size() == config.history) S.pop_front(), Y.pop_front(), rho.pop_front();
      S.push_back(std::move(s)), Y.push_back(std::move(y)), rho.push_back(1.0 / sy);
    }
    const double decrease = (value - f_t) / std::max({std::fabs(value), std::fabs(f_t), 1.0});
    x.swap(x_new);
    g.swap(g_new);
    value = f_t;
    if (decrease <= config.ftol) {
      result.gradient_max = max_abs(g);
      result.converged = true;
      result.message = "relative decrease of the objective below ftol";
      ++result.iterations;
      break;
    }
  }
  if (result.iterations >= config.max_iter && result.message.empty()) {
    result.gradient_max = max_abs(g);
    result.converged = result.gradient_max <= config.gtol;
    result.message = result.converged ? "gradient below tol" : "max_iter reached";
  }
  result.value = value;
  std::copy(x.begin(), x.end(), x_io);
  return result;
}

}  // namespace optim
}  // namespace traincore
