// The host's hooks, for the shim's files other than global_object.cpp (which installs them).
#pragma once

#include "nexus_shim.h"

const NxHooks& nexusHooks();
