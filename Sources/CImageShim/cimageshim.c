#include "cimageshim.h"
