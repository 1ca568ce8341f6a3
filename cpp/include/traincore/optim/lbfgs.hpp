// Limited-memory BFGS (Liu & Nocedal, 1989; Nocedal & Wright, "Numerical Optimization", 2006):
// the search direction is -H g with H the inverse-Hessian approximation built from the last m
// pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k by the two-loop recursion (Algorithm 7.4), scaled
// by s.y / y.y; the step satisfies the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9), found by
// bracketing and zoom with cubic interpolation (Algorithms 3.5 and 3.6). It stops when
// max_i |g_i| <= gtol, when the objective's relative decrease falls below ftol (the criteria of
// scipy's L-BFGS-B, which scikit-learn's lbfgs solver uses), or after max_iter iterations.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace traincore {
namespace optim {

struct LbfgsConfig {
  long long max_iter = 100;
  std::size_t history = 10;
  double gtol = 1e-4;
  double ftol = 64 * 2.220446049250313e-16;
  int max_line_search = 50;

  void validate() const;
};

struct LbfgsResult {
  long long iterations = 0;
  long long evaluations = 0;
  bool converged = false;
  double value = 0.0;
  double gradient_max = 0.0;
  std::string message;
};

// f(x, grad) returns the objective at x and writes its gradient.
using Objective = std::function<double(const double* x, double* grad)>;

LbfgsResult lbfgs_minimize(const Objective& f, double* x, std::size_t n, const LbfgsConfig& config);

}  // namespace optim
}  // namespace traincore
