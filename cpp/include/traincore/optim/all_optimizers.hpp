// Every optimiser of the library.
#pragma once

#include "traincore/optim/adagrad.hpp"
#include "traincore/optim/adam.hpp"
#include "traincore/optim/optimizer_kind.hpp"
#include "traincore/optim/rmsprop.hpp"
#include "traincore/optim/sgd.hpp"
