// Explicit random generators: every random draw in Repro names its Generator, so a seed fixes
// a run even when tests run in parallel (the global generator is never used).
#include "shim.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>

#include <mutex>

RT_EXPORT GeneratorHandle RTGenerator_new(uint64_t seed) {
  RT_TRY(nullptr, return new at::Generator(at::detail::createCPUGenerator(seed));)
}

RT_EXPORT void RTGenerator_dispose(GeneratorHandle g) { delete g; }

RT_EXPORT int RTGenerator_manual_seed(GeneratorHandle g, uint64_t seed) {
  RT_STATUS(std::lock_guard<std::mutex> lock(g->mutex()); g->set_current_seed(seed);)
}

RT_EXPORT int RTGenerator_initial_seed(GeneratorHandle g, uint64_t* seed) {
  RT_STATUS(*seed = g->current_seed();)
}

// The full state (a uint8 tensor), so that a checkpoint can resume the random stream exactly.
RT_EXPORT TensorHandle RTGenerator_get_state(GeneratorHandle g) {
  RT_TRY(nullptr, std::lock_guard<std::mutex> lock(g->mutex()); return rt_wrap(g->get_state());)
}

RT_EXPORT int RTGenerator_set_state(GeneratorHandle g, TensorHandle state) {
  RT_STATUS(std::lock_guard<std::mutex> lock(g->mutex()); g->set_state(*state);)
}
