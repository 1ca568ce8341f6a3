#include "traincore/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/errors.hpp"
#include "traincore/core/rng.hpp"
#include "traincore/kernels/gemm.hpp"

namespace traincore {
namespace nn {

namespace {

// Rows per block of an evaluation pass (prediction, validation): bounds the workspace.
constexpr std::size_t kEvalRows = 4096;

template <class T>
void resize(std::vector<T>& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
}

}  // namespace

void MlpConfig::validate() const {
  require(layer_sizes.size() >= 2, "layer_sizes: needs the input and output sizes, got ",
          layer_sizes.size(), " sizes");
  for (std::size_t l = 0; l < layer_sizes.size(); ++l) {
    require(layer_sizes[l] >= 1, "layer_sizes: every size must be >= 1, got 0 at position ", l);
  }
  require(std::isfinite(slope) && slope >= 0, "slope: must be a finite number >= 0, got ", slope);
  require(std::isfinite(alpha) && alpha >= 0, "alpha: must be a finite number >= 0, got ", alpha);
  require(std::isfinite(dropout) && dropout >= 0 && dropout < 1, "dropout: must be in [0, 1), got ",
          dropout);
}

std::size_t MlpConfig::weight_offset(std::size_t layer) const {
  std::size_t offset = 0;
  for (std::size_t l = 0; l < layer; ++l) offset += (layer_sizes[l] + 1) * layer_sizes[l + 1];
  return offset;
}

std::size_t MlpConfig::bias_offset(std::size_t layer) const {
  return weight_offset(layer) + layer_sizes[layer] * layer_sizes[layer + 1];
}

std::size_t MlpConfig::n_params() const { return weight_offset(layer_sizes.size() - 1); }

template <class T>
void initialize(const MlpConfig& config, std::uint64_t seed, T* params) {
  config.validate();
  const std::size_t L = config.layer_sizes.size() - 1;
  for (std::size_t l = 0; l < L; ++l) {
    const double fan_in = double(config.layer_sizes[l]), fan_out = double(config.layer_sizes[l + 1]);
    const bool hidden = l + 1 < L;
    const Activation act = config.activation;
    const bool he = hidden && (act == Activation::relu || act == Activation::leaky_relu ||
                               act == Activation::gelu);
    const double s = act == Activation::leaky_relu ? config.slope : 0.0;
    const double bound = he ? std::sqrt(6.0 / ((1.0 + s * s) * fan_in))
                            : std::sqrt(6.0 / (fan_in + fan_out));
    T* W = params + config.weight_offset(l);
    const std::size_t n_weights = config.layer_sizes[l] * config.layer_sizes[l + 1];
    for (std::size_t e = 0; e < n_weights; ++e) {
      const std::uint64_t bits = rng::random_bits(seed, rng::kInitialization, std::uint32_t(l), e);
      const double u = double(bits >> 11) * 0x1p-53;
      W[e] = T((2.0 * u - 1.0) * bound);
    }
    std::fill(params + config.bias_offset(l), params + config.bias_offset(l) + config.layer_sizes[l + 1], T(0));
  }
}

template <class T>
Mlp<T>::Mlp(MlpConfig config) : config_(std::move(config)) {
  config_.validate();
  n_params_ = config_.n_params();
  const std::size_t hidden = layers() - 1;
  for (auto* work : {&train_work_, &eval_work_}) {
    work->z.resize(hidden);
    work->activation.resize(hidden);
    work->dropped.resize(hidden);
    work->mask.resize(hidden);
  }
}

template <class T>
void Mlp<T>::run_forward(Workspace& work, const T* X, const std::size_t* rows, std::size_t n,
                         const T* params, T* raw, long long step) const {
  const auto& k = kernels().get<T>();
  const std::size_t L = layers(), d = n_features();
  const T slope = T(config_.slope);
  const bool dropout = step >= 0 && config_.dropout > 0;
  const bool keep_z = derivative_needs_input(config_.activation);
  // Layer 0's input: X's rows in place when they are consecutive, else gathered.
  bool consecutive = true;
  for (std::size_t i = 1; i < n && consecutive; ++i) consecutive = rows[i] == rows[0] + i;
  if (consecutive) {
    work.input_rows = X + rows[0] * d;
  } else {
    resize(work.input, n * d);
    for (std::size_t i = 0; i < n; ++i) std::memcpy(work.input.data() + i * d, X + rows[i] * d, d * sizeof(T));
    work.input_rows = work.input.data();
  }
  work.n_rows = n;
  const T* in = work.input_rows;
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t fan_in = config_.layer_sizes[l], fan_out = config_.layer_sizes[l + 1];
    const T* W = params + config_.weight_offset(l);
    const T* b = params + config_.bias_offset(l);
    if (l + 1 == L) {
      gemm<T>(false, false, n, fan_out, fan_in, T(1), in, fan_in, W, fan_out, T(0), raw, fan_out, config_.n_threads);
      k.bias_activation(Activation::identity, slope, b, n, fan_out, raw, raw);
      break;
    }
    std::vector<T>& a = work.activation[l];
    resize(a, n * fan_out);
    T* z = a.data();
    if (keep_z) {
      resize(work.z[l], n * fan_out);
      z = work.z[l].data();
    }
    gemm<T>(false, false, n, fan_out, fan_in, T(1), in, fan_in, W, fan_out, T(0), z, fan_out, config_.n_threads);
    k.bias_activation(config_.activation, slope, b, n, fan_out, z, a.data());
    in = a.data();
    if (dropout) {
      std::vector<T>& mask = work.mask[l];
      std::vector<T>& dropped = work.dropped[l];
      resize(mask, n * fan_out);
      resize(dropped, n * fan_out);
      k.dropout_mask(config_.seed, static_cast<std::uint32_t>(step), std::uint64_t(l) << 48,
                     config_.dropout, mask.data(), n * fan_out);
      for (std::size_t e = 0; e < n * fan_out; ++e) dropped[e] = a[e] * mask[e];
      in = dropped.data();
    }
  }
  work.dropout = dropout;
}

template <class T>
void Mlp<T>::forward(const T* X, const std::size_t* rows, std::size_t n, const T* params, T* raw) const {
  const std::size_t K = n_outputs();
  for (std::size_t start = 0; start < n; start += kEvalRows) {
    run_forward(eval_work_, X, rows + start, std::min(kEvalRows, n - start), params, raw + start * K, -1);
  }
}

template <class T>
void Mlp<T>::forward_train(const T* X, const std::size_t* rows, std::size_t n, const T* params, T* raw,
                           long long step) const {
  run_forward(train_work_, X, rows, n, params, raw, std::max(step, 0LL));
}

template <class T>
void Mlp<T>::backward(const T*, const std::size_t*, std::size_t n, const T* params, const T* grad_raw,
                      T* grad_params) const {
  Workspace& work = train_work_;
  require(n == work.n_rows && n > 0, "backward: needs the forward_train pass of the same ", n, " rows first");
  const auto& k = kernels().get<T>();
  const std::size_t L = layers();
  const T slope = T(config_.slope);
  const bool keep_z = derivative_needs_input(config_.activation);
  const T* delta = grad_raw;
  bool into_first = true;  // which of the two delta buffers receives the next layer's delta
  k.column_sums(grad_raw, n, config_.layer_sizes[L], grad_params + config_.bias_offset(L - 1));
  for (std::size_t l = L; l-- > 0;) {
    const std::size_t fan_in = config_.layer_sizes[l], fan_out = config_.layer_sizes[l + 1];
    const T* in = l == 0 ? work.input_rows
                         : (work.dropout ? work.dropped[l - 1].data() : work.activation[l - 1].data());
    gemm<T>(true, false, fan_in, fan_out, n, T(1), in, fan_in, delta, fan_out, T(0),
            grad_params + config_.weight_offset(l), fan_out, config_.n_threads);
    if (l == 0) break;
    std::vector<T>& next = into_first ? work.delta : work.delta_next;
    resize(next, n * fan_in);
    gemm<T>(false, true, n, fan_in, fan_out, T(1), delta, fan_out, params + config_.weight_offset(l), fan_out,
            T(0), next.data(), fan_in, config_.n_threads);
    k.activation_backward(config_.activation, slope, work.activation[l - 1].data(),
                          keep_z ? work.z[l - 1].data() : nullptr,
                          work.dropout ? work.mask[l - 1].data() : nullptr, n, fan_in, next.data(),
                          grad_params + config_.bias_offset(l - 1));
    delta = next.data();
    into_first = !into_first;
  }
}

template <class T>
double Mlp<T>::penalty(const T* params) const {
  if (config_.alpha == 0) return 0.0;
  const auto& k = kernels().get<T>();
  double total = 0.0;
  for (std::size_t l = 0; l < layers(); ++l) {
    total += k.sum_squares(params + config_.weight_offset(l), config_.layer_sizes[l] * config_.layer_sizes[l + 1]);
  }
  return 0.5 * config_.alpha * total;
}

template <class T>
void Mlp<T>::add_penalty_gradient(const T* params, T* grad_params) const {
  if (config_.alpha == 0) return;
  const auto& k = kernels().get<T>();
  for (std::size_t l = 0; l < layers(); ++l) {
    const std::size_t offset = config_.weight_offset(l);
    k.axpy(T(config_.alpha), params + offset, grad_params + offset, config_.layer_sizes[l] * config_.layer_sizes[l + 1]);
  }
}

template void initialize<float>(const MlpConfig&, std::uint64_t, float*);
template void initialize<double>(const MlpConfig&, std::uint64_t, double*);
template class Mlp<float>;
template class Mlp<double>;

}  // namespace nn
}  // namespace traincore
